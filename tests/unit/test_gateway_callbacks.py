"""The gateway in-process (real Redis, no workers): callbacks need a signing secret."""

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
