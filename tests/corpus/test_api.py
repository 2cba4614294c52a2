"""The corpus over HTTP (the real ASGI app, a private Redis, both archive back-ends): parameters,
problem+json for bad ones, streaming export, tenancy, the archive as the record once Redis's copy
is gone, and DELETE reaching the archive."""

import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from redis import Redis
from sqlalchemy import Engine

from services.gateway.app import create_app
from services.gateway.corpus import archive
from services.gateway.tenancy import fingerprint
from shared.models import ArticleResult
from shared.settings import Settings
from tests.conftest import RedisServer

REDIS_DB = 11  # a database of the session's Redis no other test uses
KEY_A, KEY_B = "corpus-key-a-3e5d7f91", "corpus-key-b-8c2a4b60"


@pytest.fixture
def client(
    redis_server: RedisServer, archive_url: str, engine: Engine, results: list[ArticleResult]
) -> Iterator[TestClient]:
    Redis(port=redis_server.port, db=REDIS_DB).flushdb()
    for index, result in enumerate(results):
        owner = fingerprint(KEY_A if index % 3 else KEY_B)
        archive.archive(engine, result.model_copy(update={"owner": owner}))
    settings = Settings(
        redis_url=f"redis://127.0.0.1:{redis_server.port}/{REDIS_DB}",
        database_url=archive_url,
        api_keys=[KEY_A, KEY_B],
    )
    with TestClient(create_app(settings), headers={"X-API-Key": KEY_A}) as test_client:
        yield test_client


def problem(response: httpx.Response, status: int, field: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]]


def test_search_pages_and_filters(client: TestClient, results: list[ArticleResult]) -> None:
    mine = {r.id for i, r in enumerate(results) if i % 3}
    seen: list[str] = []
    query: dict[str, object] = {"limit": 2}
    while True:
        page = client.get("/articles", params=query).json()
        seen += [hit["id"] for hit in page["items"]]
        if not page["next_cursor"]:
            break
        query["cursor"] = page["next_cursor"]
    assert set(seen) == mine and len(seen) == len(mine)
    found = client.get("/articles", params={"q": "flood OR bridge", "since": "2024-01-01"}).json()
    assert all("<mark>" in hit["snippets"][0] for hit in found["items"])


def test_bad_parameters_are_problems_naming_the_field(client: TestClient) -> None:
    problem(client.get("/articles", params={"since": "last tuesday"}), 422, "query.since")
    problem(client.get("/articles", params={"q": "-only -excluded"}), 422, "query.q")
    problem(client.get("/articles", params={"cursor": "garbage!"}), 422, "query.cursor")
    problem(client.get("/articles", params={"limit": 1000}), 422, "query.limit")
    problem(client.get("/export", params={"format": "xml"}), 422, "query.format")
    problem(client.get("/entities", params={"top": 0}), 422, "query.top")
    missing = client.get("/entities/PERSON:nobody-at-all")
    assert missing.status_code == 404
    assert client.get("/articles", headers={"X-API-Key": "wrong"}).status_code == 401


def test_entities_and_stories(client: TestClient) -> None:
    top = client.get("/entities", params={"top": 3}).json()
    assert top and top[0]["articles"] >= top[-1]["articles"]
    detail = client.get(f"/entities/{top[0]['key']}").json()
    assert detail["articles"] == top[0]["articles"] and detail["recent_articles"]
    stories = client.get("/stories", params={"min_size": 1}).json()["items"]
    story = client.get(f"/stories/{stories[0]['id']}").json()
    assert story["first"]["id"] == story["articles"][0]["id"]


def test_export_streams_jsonl_and_csv(client: TestClient, results: list[ArticleResult]) -> None:
    mine = sum(1 for i, _ in enumerate(results) if i % 3)
    with client.stream("GET", "/export", params={"format": "jsonl"}) as response:
        assert response.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in response.iter_lines() if line]
    assert len(lines) == mine and all("owner" not in line for line in lines)
    csv_body = client.get("/export", params={"format": "csv", "q": "flood OR bridge"})
    assert csv_body.headers["content-type"].startswith("text/csv")
    assert csv_body.text.splitlines()[0].startswith("id,dated_at")


def test_the_archive_serves_and_deletes_what_redis_no_longer_holds(
    client: TestClient, results: list[ArticleResult]
) -> None:
    article = results[1]  # owned by KEY_A; nothing of it is in this Redis database
    got = client.get(f"/articles/{article.id}")
    assert got.status_code == 200
    assert got.json()["document"]["text"] == article.document.text  # type: ignore[union-attr]
    assert got.json()["story"] is not None and "owner" not in got.json()
    other = client.get(f"/articles/{results[0].id}")  # KEY_B's: as unknown as a made-up id
    assert other.status_code == 404
    assert client.delete(f"/articles/{results[0].id}").status_code == 404
    assert client.delete(f"/articles/{article.id}").status_code == 204
    assert client.get(f"/articles/{article.id}").status_code == 404
    remaining = client.get("/articles", params={"limit": 100}).json()["items"]
    assert article.id not in {hit["id"] for hit in remaining}


@pytest.mark.usefixtures("one_rate_window")
def test_corpus_reads_have_a_rate_limit_of_their_own(
    redis_server: RedisServer, archive_url: str, engine: Engine
) -> None:
    Redis(port=redis_server.port, db=REDIS_DB).flushdb()
    settings = Settings(
        redis_url=f"redis://127.0.0.1:{redis_server.port}/{REDIS_DB}",
        database_url=archive_url,
        query_rate_limit_per_minute=3,
    )
    with TestClient(create_app(settings)) as client:
        answers = [client.get("/articles").status_code for _ in range(3)]
        limited = client.get("/export")
        assert answers == [200, 200, 200]
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) <= 60
        assert limited.headers["content-type"].startswith("application/problem+json")
        submitted = client.post("/articles", json={"text": "The pier reopened on Tuesday."})
        assert submitted.status_code == 202  # submissions keep their own budget
