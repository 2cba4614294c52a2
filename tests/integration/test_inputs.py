"""Every kind of input through the gateway: seeds as text and HTML, a URL, batches, bad input."""

import http.server
import threading
from collections.abc import Iterator
from functools import partial
from typing import Any

import httpx
import pytest

from services.seeds import SEEDS, seed_submissions
from tests.integration.conftest import Running, wait_finished

pytestmark = pytest.mark.integration


def test_every_seed_article_completes(client: httpx.Client) -> None:
    items = seed_submissions()
    assert len(items) >= 4 and any("html" in i for i in items)
    response = client.post("/articles/batch", json=items)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["accepted"] == len(items)
    for item, accepted in zip(items, body["items"], strict=True):
        result = wait_finished(client, accepted["id"])
        assert result["status"] == "done", (item["source"], result.get("error"))
        assert result["document"]["title"], item["source"]
        assert result["extraction"]["entities"], item["source"]
        assert result["summary"]["sentences"], item["source"]


def test_html_page_loses_its_boilerplate(client: httpx.Client) -> None:
    html_items = [i for i in seed_submissions() if "html" in i]
    response = client.post("/articles", json=html_items[0])
    result = wait_finished(client, response.json()["id"])
    text = result["document"]["text"].lower()
    assert "cookie" not in text and "subscribe" not in text and "©" not in text


@pytest.fixture
def page_server() -> Iterator[str]:
    """A real HTTP server on loopback serving the seeds folder (ALLOW_PRIVATE_URLS is on)."""
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(SEEDS))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_url_is_fetched_and_processed(client: httpx.Client, page_server: str) -> None:
    page = next(p for p in sorted(SEEDS.iterdir()) if p.suffix == ".html")
    response = client.post("/articles", json={"url": f"{page_server}/{page.name}"})
    assert response.status_code == 202, response.text
    result = wait_finished(client, response.json()["id"])
    assert result["status"] == "done", result.get("error")
    assert result["document"]["content_type"] == "url"
    assert result["document"]["url"].endswith(page.name)


def test_unreachable_url_fails_with_its_reason(client: httpx.Client, page_server: str) -> None:
    response = client.post("/articles", json={"url": f"{page_server}/no-such-page.html"})
    result = wait_finished(client, response.json()["id"])
    assert result["status"] == "failed"
    assert result["error"]["stage"] == "ingest"
    assert "404" in result["error"]["message"]


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"]
    return body


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "body"),
        ({"text": "a", "html": "<p>b</p>"}, "body"),
        ({"text": "   "}, "body.text"),
        ({"url": "ftp://example.org/x"}, "body.url"),
        ({"text": "fine", "language": "english"}, "body.language"),
        (
            {"text": "fine", "options": {"summary": {"sentences": 0}}},
            "body.options.summary.sentences",
        ),
        (
            {"text": "fine", "options": {"summary": {"sentences": 2, "ratio": 0.5}}},
            "body.options.summary",
        ),
        ({"text": "fine", "colour": "red"}, "body.colour"),
    ],
)
def test_bad_article_gets_a_problem_naming_the_field(
    client: httpx.Client, payload: dict[str, Any], field: str
) -> None:
    body = problem(client.post("/articles", json=payload), 422)
    assert field in [e["field"] for e in body["errors"]], body


def test_malformed_json_is_a_problem(client: httpx.Client) -> None:
    problem(
        client.post(
            "/articles", content=b"{not json", headers={"content-type": "application/json"}
        ),
        422,
    )


def test_too_large_body_is_refused_with_413(client: httpx.Client) -> None:
    body = problem(client.post("/articles", json={"text": "word " * 70_000}), 413)
    assert "300000" in body["detail"]


def test_unknown_article_is_404(client: httpx.Client) -> None:
    problem(client.get("/articles/a_000000000000000000000000"), 404)
    problem(client.get("/articles/a_000000000000000000000000/events"), 404)


def test_batch_keeps_good_items_when_some_are_bad(client: httpx.Client) -> None:
    ndjson = '{"text": "Angela Merkel met Emmanuel Macron in Paris on Tuesday."}\n{"text": ""}\n'
    response = client.post(
        "/articles/batch", content=ndjson, headers={"content-type": "application/x-ndjson"}
    )
    assert response.status_code == 202
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (1, 1)
    assert body["items"][1]["error"]["errors"][0]["field"] == "1.text"
    assert wait_finished(client, body["items"][0]["id"])["status"] == "done"


def test_health_and_readiness(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert all(
        ready["workers"][q]
        for q in ("ingest", "extraction", "summarization", "results", "callbacks", "sources")
    )


def test_openapi_documents_the_api(running: Running) -> None:
    paths = httpx.get(f"{running.gateway}/openapi.json").json()["paths"]
    assert {
        "/articles",
        "/articles/batch",
        "/articles/{article_id}",
        "/articles/{article_id}/events",
    } <= set(paths)


def test_summary_length_options_rerun_the_same_article(client: httpx.Client) -> None:
    text = " ".join(
        f"The {n} council meeting in Leeds on budget item {n} ended without agreement on funding."
        for n in ("first", "second", "third", "fourth", "fifth", "sixth")
    )
    two = client.post("/articles", json={"text": text, "options": {"summary": {"sentences": 2}}})
    assert two.status_code == 202
    first = wait_finished(client, two.json()["id"])
    assert len(first["summary"]["sentences"]) == 2

    half = client.post("/articles", json={"text": text, "options": {"summary": {"ratio": 0.5}}})
    assert half.status_code == 202 and half.json()["id"] == two.json()["id"]
    second = wait_finished(client, half.json()["id"])
    assert second["run_id"] != first["run_id"]
    assert second["summary"]["budget"] == 3 and len(second["summary"]["sentences"]) == 3
