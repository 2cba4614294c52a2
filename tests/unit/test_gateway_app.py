"""The gateway in-process (real Redis, no workers): what it refuses before queueing anything."""

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from redis import Redis

from services.gateway.app import create_app
from shared.settings import Settings
from tests.conftest import RedisServer


def test_callback_url_without_a_configured_secret_is_a_422(redis_server: RedisServer) -> None:
    settings = Settings(redis_url=f"redis://127.0.0.1:{redis_server.port}/15", callback_secret="")
    with TestClient(create_app(settings)) as client:
        response = client.post(
            "/articles", json={"text": "Some news.", "callback_url": "https://example.org/hook"}
        )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"] == [
        {"field": "body.callback_url", "reason": "callbacks are not enabled on this server"}
    ]


def test_a_batch_item_with_a_callback_url_and_no_secret_fails_alone(
    redis_server: RedisServer,
) -> None:
    settings = Settings(redis_url=f"redis://127.0.0.1:{redis_server.port}/15", callback_secret="")
    broker = Redis(port=redis_server.port, db=15)
    broker.delete("ingest")
    items = [
        {"text": "Rain closed the ports of Gdansk on Sunday."},
        {"text": "Some news.", "callback_url": "https://example.org/hook"},
        {"text": "Snow closed the passes above Grenoble on Monday."},
    ]
    with TestClient(create_app(settings)) as client:
        response = client.post("/articles/batch", json=items)
    assert response.status_code == 202
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (2, 1)
    assert body["items"][1]["error"]["errors"] == [
        {"field": "1.callback_url", "reason": "callbacks are not enabled on this server"}
    ]
    # The two accepted articles went to ingest together, in one message.
    (raw,) = broker.lrange("ingest", 0, -1)
    message = json.loads(raw)
    assert message["headers"]["task"] == "ingest.batch"
    requests = json.loads(base64.b64decode(message["body"]))[0][0]["requests"]
    assert [r["article_id"] for r in requests] == [body["items"][i]["id"] for i in (0, 2)]


@pytest.fixture
def client(redis_server: RedisServer) -> Iterator[TestClient]:
    settings = Settings(redis_url=f"redis://127.0.0.1:{redis_server.port}/15")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_wrong_media_type_is_a_415_naming_the_header(client: TestClient) -> None:
    response = client.post(
        "/articles", content=b"text=hello", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.json()["errors"][0]["field"] == "header.content-type"
    batch = client.post("/articles/batch", content=b"<xml/>", headers={"content-type": "text/xml"})
    assert batch.status_code == 415


def test_malformed_batch_body_is_a_400(client: TestClient) -> None:
    response = client.post(
        "/articles/batch", content=b"[{", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


KEY_A, KEY_B = "tenant-a-key-5f1c2e9a", "tenant-b-key-0d4b7c13"


def _app(redis_server: RedisServer, **overrides: Any) -> tuple[TestClient, Redis]:
    # Database 13: nothing consumes its queues, so submissions stay queued.
    redis = Redis(port=redis_server.port, db=13)
    redis.flushdb()
    settings = Settings(redis_url=f"redis://127.0.0.1:{redis_server.port}/13", **overrides)
    return TestClient(create_app(settings)), redis


def test_a_batch_without_a_valid_key_is_refused_before_its_body_is_parsed(
    redis_server: RedisServer,
) -> None:
    test_client, _ = _app(redis_server, api_keys=[KEY_A])
    json_type = {"content-type": "application/json"}
    with test_client as client:
        for key in (None, "guess"):
            headers = json_type if key is None else {**json_type, "X-API-Key": key}
            assert client.post("/articles/batch", content=b"[{", headers=headers).status_code == 401
        valid = {**json_type, "X-API-Key": KEY_A}
        assert client.post("/articles/batch", content=b"[{", headers=valid).status_code == 400


@pytest.mark.usefixtures("one_rate_window")
def test_rate_limits_count_per_validated_key_and_keys_stay_out_of_redis(
    redis_server: RedisServer,
) -> None:
    test_client, redis = _app(redis_server, api_keys=[KEY_A, KEY_B], rate_limit_per_minute=2)
    with test_client as client:
        for n in range(2):
            sent = client.post(
                "/articles", json={"text": f"Story {n}."}, headers={"X-API-Key": KEY_A}
            )
            assert sent.status_code == 202, sent.text
        third = client.post("/articles", json={"text": "Story 3."}, headers={"X-API-Key": KEY_A})
        assert third.status_code == 429
        other = client.post("/articles", json={"text": "Story 3."}, headers={"X-API-Key": KEY_B})
        assert other.status_code == 202  # the same address, another key: its own allowance
        for guess in ("g1", "g2", "g3"):
            refused = client.post("/articles", json={"text": "x"}, headers={"X-API-Key": guess})
            assert refused.status_code == 401
    names = [k.decode() if isinstance(k, bytes) else str(k) for k in redis.keys("*")]
    assert any(n.startswith("newsflow:rate:key:") for n in names)
    assert not any(KEY_A in n or KEY_B in n or "g1" in n for n in names)
    values = [redis.get(n) for n in names if redis.type(n) == b"string"]
    stored = b"".join(v for v in values if isinstance(v, bytes))
    assert KEY_A.encode() not in stored and KEY_B.encode() not in stored


@pytest.mark.usefixtures("one_rate_window")
def test_without_keys_a_made_up_key_buys_no_allowance_of_its_own(
    redis_server: RedisServer,
) -> None:
    test_client, _ = _app(redis_server, rate_limit_per_minute=2)
    with test_client as client:
        codes = [
            client.post(
                "/articles", json={"text": f"Item {n}."}, headers={"X-API-Key": f"k{n}"}
            ).status_code
            for n in range(3)
        ]
    assert codes == [202, 202, 429]


def test_an_accepted_article_is_queued_on_the_redis_of_the_gateways_settings(
    redis_server: RedisServer,
) -> None:
    """The gateway's Celery app is built from the settings it was given, not the environment's."""
    test_client, redis = _app(redis_server)
    with test_client as client:
        accepted = client.post("/articles", json={"text": "The pier reopened on Tuesday."})
    assert accepted.status_code == 202
    assert redis.llen("ingest") == 1


def test_flower_sees_the_articles_ids_not_its_text(redis_server: RedisServer) -> None:
    """The message's ``argsrepr`` (what Flower shows of a task's arguments) names the article,
    while its body still carries the whole request."""
    test_client, redis = _app(redis_server)
    text = "The harbour master's private number is 0170 555 0199."
    with test_client as client:
        accepted = client.post("/articles", json={"text": text})
    assert accepted.status_code == 202
    raw = redis.lindex("ingest", 0)
    assert raw is not None
    envelope = json.loads(raw)
    argsrepr = envelope["headers"]["argsrepr"]
    assert accepted.json()["id"] in argsrepr and "run_id" in argsrepr
    assert "harbour" not in argsrepr
    assert text in base64.b64decode(envelope["body"]).decode()
