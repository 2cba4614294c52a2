"""Redis stops and comes back: the gateway says 503 meanwhile, nothing stored is lost, and the
workers pick up new work once it is back. Runs its own Redis and stack, not the session's."""

from collections.abc import Iterator

import httpx
import pytest

from services.localredis import free_port
from tests.conftest import RedisServer
from tests.integration.conftest import Running, run_stack, wait_finished, wait_until

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def outage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RedisServer, Running]]:
    redis = RedisServer(port=free_port(), data_dir=tmp_path_factory.mktemp("outage-redis"))
    redis.start()
    try:
        with run_stack(redis.url, tmp_path_factory.mktemp("outage-logs")) as up:
            yield redis, up
    finally:
        redis.stop()


def test_redis_restart_loses_nothing_and_work_resumes(
    outage: tuple[RedisServer, Running],
) -> None:
    redis, up = outage
    with httpx.Client(base_url=up.gateway, timeout=30) as client:
        before = client.post(
            "/articles", json={"text": "Oslo's mayor opened a new bridge on Monday."}
        )
        assert wait_finished(client, before.json()["id"])["status"] == "done"

        redis.stop()
        down = client.post("/articles", json={"text": "Lisbon's port reopened after the strike."})
        assert down.status_code == 503, down.text
        assert down.headers["content-type"].startswith("application/problem+json")
        assert "Retry-After" in down.headers
        assert client.get("/readyz").status_code == 503

        redis.start()  # same port, same append-only file
        kept = client.get(f"/articles/{before.json()['id']}")
        assert kept.status_code == 200 and kept.json()["status"] == "done"
        lisbon = {"text": "Lisbon's port reopened after the strike."}

        def accepted() -> httpx.Response | None:
            response = client.post("/articles", json=lisbon)
            return response if response.status_code == 202 else None

        after = wait_until(accepted, 30, "the gateway to accept work again")
        assert wait_finished(client, after.json()["id"], timeout=90)["status"] == "done"
