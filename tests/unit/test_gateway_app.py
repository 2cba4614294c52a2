"""The gateway in-process (real Redis, no workers): what it refuses before queueing anything."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

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
