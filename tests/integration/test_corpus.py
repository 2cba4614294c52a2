"""The corpus end to end: articles through the real workers into the PostgreSQL archive, found by
search, entities, stories and export over HTTP and through the ``newsflow`` CLI; an archive
outage loses nothing (the sweeper archives what finished meanwhile); DELETE reaches the archive."""

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx

from services.localpostgres import PostgresServer
from services.seeds import seed_submissions
from tests.integration.conftest import Running, wait_finished, wait_until

ARCHIVE_TIMEOUT = 90.0  # two sweeps after the database is back, with room for a slow machine


def submit_and_finish(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/articles", json=body)
    assert response.status_code in (200, 202), response.text
    result = wait_finished(client, response.json()["id"])
    assert result["status"] == "done", result
    return result


def search_ids(client: httpx.Client, **params: Any) -> list[str]:
    response = client.get("/articles", params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    return [hit["id"] for hit in response.json()["items"]]


def newsflow(running: Running, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "newsflow"), "--gateway", running.gateway, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_finished_articles_are_searchable_and_belong_to_stories(client: httpx.Client) -> None:
    finished = [submit_and_finish(client, body) for body in seed_submissions()]
    for result in finished:
        title_word = max(result["document"]["title"].split(), key=len)
        assert result["id"] in search_ids(client, q=title_word)
        story = client.get(f"/articles/{result['id']}").json()["story"]
        assert story is not None
        members = client.get(f"/stories/{story}").json()["articles"]
        assert result["id"] in [m["id"] for m in members]
    top = client.get("/entities", params={"top": 5}).json()
    assert top and all(entity["articles"] >= 1 for entity in top)
    with client.stream("GET", "/export", params={"format": "jsonl"}) as response:
        exported = {json.loads(line)["id"] for line in response.iter_lines() if line}
    assert {r["id"] for r in finished} <= exported


def test_the_cli_searches_and_exports_through_the_gateway(
    running: Running, client: httpx.Client, tmp_path: Path
) -> None:
    result = submit_and_finish(client, seed_submissions()[0])
    word = max(result["document"]["title"].split(), key=len)
    found = newsflow(running, "search", word, "--json")
    assert found.returncode == 0, found.stderr
    assert result["id"] in [hit["id"] for hit in json.loads(found.stdout)["items"]]
    out = tmp_path / "export.csv"
    exported = newsflow(running, "export", word, "--format", "csv", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert result["id"] in out.read_text()
    entities = newsflow(running, "entities", "--top", "3")
    assert entities.returncode == 0 and entities.stdout.strip(), entities.stderr
    refused = newsflow(running, "search", "--since", "yesterday-ish")
    assert refused.returncode == 2 and "--since" in refused.stderr  # usage, before any request


def test_an_archive_outage_loses_no_article(
    client: httpx.Client, postgres_server: PostgresServer
) -> None:
    marker = f"zq{uuid.uuid4().hex[:10]}"  # one word no other article has
    body = {
        "text": f"The harbour council met on Tuesday. Its chair, {marker}, spoke.",
        "title": marker,
    }
    postgres_server.stop()
    try:
        result = submit_and_finish(client, body)  # Redis and the workers carry on
        down = client.get("/articles", params={"q": marker})
        assert down.status_code == 503
        assert down.headers["content-type"].startswith("application/problem+json")
        assert client.get(f"/articles/{result['id']}").status_code == 200  # the hot copy
    finally:
        postgres_server.start()
    wait_until(lambda: result["id"] in search_ids(client, q=marker), ARCHIVE_TIMEOUT, "the sweeper")


def test_delete_removes_the_article_from_the_archive(client: httpx.Client) -> None:
    marker = f"zq{uuid.uuid4().hex[:10]}"
    result = submit_and_finish(client, {"text": f"A short note about {marker} and the port."})
    wait_until(lambda: result["id"] in search_ids(client, q=marker), 30, "the archive")
    assert client.delete(f"/articles/{result['id']}").status_code == 204
    assert search_ids(client, q=marker) == []
    assert client.get(f"/articles/{result['id']}").status_code == 404
