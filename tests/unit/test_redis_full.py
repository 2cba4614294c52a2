"""A Redis at its maxmemory (noeviction, as in docker-compose.yml) refuses writes: the gateway says
so with 503 and Retry-After rather than a 500."""

from fastapi.testclient import TestClient
from redis import Redis

from services.gateway.app import create_app
from shared.settings import Settings
from tests.conftest import RedisServer

DB = 12  # not 0: the integration stack uses database 0


def test_a_full_redis_is_a_503_problem_with_retry_after(redis_server: RedisServer) -> None:
    admin = Redis(port=redis_server.port)
    settings = Settings(redis_url=f"redis://127.0.0.1:{redis_server.port}/{DB}")
    policy = admin.config_get("maxmemory-policy")["maxmemory-policy"] or "noeviction"
    admin.config_set("maxmemory-policy", "noeviction")
    admin.config_set("maxmemory", 1)  # below what the server already uses: every write is refused
    try:
        with TestClient(create_app(settings)) as client:
            response = client.post("/articles", json={"text": "Some news."})
    finally:
        admin.config_set("maxmemory", 0)
        admin.config_set("maxmemory-policy", policy)
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["Retry-After"]) > 0
    assert response.json()["title"] == "Storage full"
