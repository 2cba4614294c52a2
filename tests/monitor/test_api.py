"""Sources, watchlists and alerts over HTTP (the real ASGI app, a private Redis, both archive
back-ends): problem+json naming the field for bad input, 409 for a feed followed twice, tenancy,
and alerts listed once however often an article is matched."""

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi.testclient import TestClient
from redis import Redis
from sqlalchemy import Engine

from services.gateway.app import create_app
from services.gateway.monitor import alerts
from services.gateway.monitor.watchlists import IndexCache
from services.gateway.tenancy import fingerprint
from shared.models import ArticleResult
from shared.settings import Settings
from tests.conftest import RedisServer

REDIS_DB = 12  # a database of the session's Redis no other test uses
KEY_A, KEY_B = "monitor-key-a-5b1e9c07", "monitor-key-b-2f4d6a18"
# A public address written as an IP: checked without a DNS lookup (tests run offline).
FEED = "http://93.184.216.34/world/rss.xml"


@pytest.fixture
def client(redis_server: RedisServer, archive_url: str, engine: Engine) -> Iterator[TestClient]:
    Redis(port=redis_server.port, db=REDIS_DB).flushdb()
    settings = Settings(
        redis_url=f"redis://127.0.0.1:{redis_server.port}/{REDIS_DB}",
        database_url=archive_url,
        api_keys=[KEY_A, KEY_B],
        callback_secret="monitor-test-signing-key",
    )
    with TestClient(create_app(settings), headers={"X-API-Key": KEY_A}) as test_client:
        yield test_client


def problem(response: httpx.Response, status: int, field: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors: dict[str, str] = {e["field"]: e["reason"] for e in response.json()["errors"]}
    assert field in errors, errors
    return errors[field]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "ftp://93.184.216.34/rss"}, "body.url"),
        ({"url": FEED, "interval_seconds": 5}, "body.interval_seconds"),
        ({"url": FEED, "tags": ["no spaces"]}, "body.tags.0"),
        ({"url": FEED, "language": "English"}, "body.language"),
        ({"url": FEED, "colour": "red"}, "body.colour"),
        ({"url": "http://127.0.0.1:8000/rss"}, "body.url"),  # a private address
    ],
)
def test_a_bad_source_is_refused_naming_its_field(
    client: TestClient, body: dict[str, object], field: str
) -> None:
    problem(client.post("/sources", json=body), 422, field)


def test_sources_are_followed_once_changed_and_removed_per_key(client: TestClient) -> None:
    created = client.post("/sources", json={"url": FEED, "tags": ["world"], "language": "en"})
    assert created.status_code == 201, created.text
    source = created.json()
    assert source["health"]["next_poll_at"] is not None  # due at once
    # The same feed with tracking parameters and a fragment is the same source.
    again = client.post("/sources", json={"url": FEED + "?utm_source=x#top"})
    assert source["id"] in problem(again, 409, "body.url")

    paused = client.patch(
        f"/sources/{source['id']}", json={"active": False, "interval_seconds": 3600}
    )
    assert paused.status_code == 200 and paused.json()["active"] is False
    assert paused.json()["health"]["next_poll_at"] is None
    problem(client.patch(f"/sources/{source['id']}", json={"url": FEED}), 422, "body.url")
    assert [s["id"] for s in client.get("/sources", params={"tag": "world"}).json()] == [
        source["id"]
    ]
    assert client.get("/sources", params={"tag": "sport"}).json() == []
    assert client.get(f"/sources/{source['id']}/items").json() == []

    other = {"X-API-Key": KEY_B}
    assert client.get(f"/sources/{source['id']}", headers=other).status_code == 404
    assert client.get("/sources", headers=other).json() == []
    assert client.delete(f"/sources/{source['id']}", headers=other).status_code == 404
    # Another key may follow the same feed: its own source.
    assert client.post("/sources", json={"url": FEED}, headers=other).status_code == 201

    assert client.delete(f"/sources/{source['id']}").status_code == 204
    assert client.get(f"/sources/{source['id']}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "empty", "query": {}}, "body.query"),
        ({"name": "", "query": {"keywords": ["flood"]}}, "body.name"),
        ({"name": "punct", "query": {"keywords": ["--"]}}, "body.query.keywords"),
        (
            {"name": "far", "query": {"places": [{"lat": 95, "lon": 0, "radius_km": 10}]}},
            "body.query.places.0.lat",
        ),
        (
            {"name": "hook", "query": {"keywords": ["flood"]}, "webhook_url": "http://10.0.0.7/"},
            "body.webhook_url",
        ),
    ],
)
def test_a_bad_watchlist_is_refused_naming_its_field(
    client: TestClient, body: dict[str, object], field: str
) -> None:
    problem(client.post("/watchlists", json=body), 422, field)


def test_alerts_are_listed_once_per_article_and_per_key(
    client: TestClient, engine: Engine, results: list[ArticleResult]
) -> None:
    flood = next(r for r in results if r.document and "flood" in r.document.text.lower())
    watch = client.post("/watchlists", json={"name": "floods", "query": {"keywords": ["flood"]}})
    assert watch.status_code == 201, watch.text
    client.post(
        "/watchlists",
        json={"name": "B's", "query": {"keywords": ["flood"]}},
        headers={"X-API-Key": KEY_B},
    )
    mine = flood.model_copy(update={"owner": fingerprint(KEY_A)})
    cache = IndexCache()
    for _ in range(2):  # a rerun, or the sweeper archiving it again: no second alert
        with engine.begin() as conn:
            alerts.fire(conn, cache, mine, datetime.now(UTC))
    listed = client.get("/alerts").json()
    [alert] = listed["items"]
    assert (alert["article_id"], alert["watchlist_id"]) == (flood.id, watch.json()["id"])
    assert alert["delivered_at"] is None and alert["summary"]
    assert flood.document is not None
    for term in alert["matched"]:
        source = flood.document.text if term["field"] == "text" else flood.document.title or ""
        assert source[term["start"] : term["end"]].lower() == "flood"
    assert client.get("/alerts", headers={"X-API-Key": KEY_B}).json()["items"] == []
    problem(client.get("/alerts", params={"cursor": "nonsense"}), 422, "query.cursor")

    assert (
        client.patch(f"/watchlists/{watch.json()['id']}", json={"active": False}).status_code == 200
    )
    assert client.delete(f"/watchlists/{watch.json()['id']}").status_code == 204
    assert client.get("/alerts").json()["items"] == []  # its alerts went with it
