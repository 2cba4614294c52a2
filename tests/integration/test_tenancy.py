"""Tenancy over real HTTP: a gateway process with two API keys (no workers needed).

What one tenant submits, another can neither read, follow, delete nor rerun, and nobody reads the
credentials inside a submitted URL.
"""

from collections.abc import Iterator

import httpx
import pytest

from services.localredis import free_port
from services.stack import Stack, local_env
from tests.conftest import RedisServer
from tests.integration.conftest import CALLBACK_SECRET, wait_until

pytestmark = pytest.mark.integration
KEY_A, KEY_B = "tenant-a-3f9d0c1b7e", "tenant-b-8a2e6d4f10"
TEXT = "The harbour authority reopened the north pier on Tuesday after repairs."
HOOK = "https://hookuser:hookpass@hooks.example/newsflow?token=t0k3n&team=7"


@pytest.fixture(scope="module")
def gateway(redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    # Database 12: no worker consumes it, so articles stay queued, which is all this needs.
    env = local_env(f"redis://127.0.0.1:{redis_server.port}/12")
    env.update(
        UVICORN_PORT=str(port),
        API_KEYS=f"{KEY_A},{KEY_B}",
        CALLBACK_SECRET=CALLBACK_SECRET,
        RATE_LIMIT_PER_MINUTE="1000",
        DATABASE_URL=f"sqlite:///{tmp_path_factory.mktemp('tenancy-db') / 'newsflow.db'}",
    )
    stack = Stack(env, tmp_path_factory.mktemp("tenancy-logs"))
    stack.start("gateway")
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: httpx.get(f"{url}/healthz").status_code == 200, 60, "gateway", stack)
        yield url
    finally:
        stack.stop()


def as_tenant(gateway: str, key: str | None) -> httpx.Client:
    return httpx.Client(base_url=gateway, timeout=10, headers={"X-API-Key": key} if key else {})


def test_another_tenant_gets_404_everywhere_and_cannot_rerun(gateway: str) -> None:
    with as_tenant(gateway, KEY_A) as a, as_tenant(gateway, KEY_B) as b:
        sent = a.post("/articles", json={"text": TEXT, "callback_url": HOOK})
        assert sent.status_code == 202, sent.text
        aid = sent.json()["id"]
        mine = a.get(f"/articles/{aid}")
        assert mine.status_code == 200
        run_id = mine.json()["run_id"]

        unknown = b.get("/articles/a_000000000000000000000000")
        for response in (
            b.get(f"/articles/{aid}"),
            b.get(f"/articles/{aid}/events"),
            b.delete(f"/articles/{aid}"),
        ):
            assert response.status_code == 404
            # Indistinguishable from an id nobody has.
            assert response.json()["title"] == unknown.json()["title"]

        # The same content from B, even forced, is B's own article: A's run is untouched.
        forced = b.post("/articles?force=true", json={"text": TEXT})
        assert forced.status_code == 202 and forced.json()["id"] != aid
        assert not forced.json()["duplicate"]  # B learns nothing of A's submission
        assert b.post("/articles", json={"text": TEXT}).json()["id"] == forced.json()["id"]
        assert a.get(f"/articles/{aid}").json()["run_id"] == run_id

        with a.stream("GET", f"/articles/{aid}/events") as events:
            assert events.status_code == 200
            assert events.headers["content-type"].startswith("text/event-stream")
        assert a.delete(f"/articles/{aid}").status_code == 204
        assert a.get(f"/articles/{aid}").status_code == 404


def test_the_owner_sees_the_callback_url_without_its_credentials(gateway: str) -> None:
    with as_tenant(gateway, KEY_A) as a:
        aid = a.post("/articles", json={"text": TEXT + " Again.", "callback_url": HOOK}).json()[
            "id"
        ]
        body = a.get(f"/articles/{aid}").json()
    assert body["callback_url"] == "https://***@hooks.example/newsflow?token=***&team=7"
    assert "owner" not in body  # the key's fingerprint stays in the store


def test_credentials_in_a_submitted_url_are_not_served(gateway: str) -> None:
    with as_tenant(gateway, KEY_A) as a:
        url = "https://reader:s3cr3t@news.example/2024/story?api_key=abc123&page=2"
        aid = a.post("/articles", json={"url": url}).json()["id"]
        body = a.get(f"/articles/{aid}").text
    assert "s3cr3t" not in body and "abc123" not in body
    assert "https://***@news.example/2024/story?api_key=***&page=2" in body


def test_no_key_or_a_wrong_key_is_a_401(gateway: str) -> None:
    with as_tenant(gateway, None) as nobody, as_tenant(gateway, "tenant-a-3f9d0c1b7") as almost:
        for client in (nobody, almost):
            assert client.get("/articles/a_000000000000000000000000").status_code == 401
            assert client.post("/articles", json={"text": TEXT}).status_code == 401
