"""The whole system as real processes: redis-server, Celery workers, collector, gateway, Flower.

Started once per test session through ``services.stack.Stack`` (the commands ``make dev`` and
docker-compose.yml run), against the session's private Redis.
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from services.localpostgres import PostgresServer
from services.localredis import free_port
from services.stack import Stack, local_env
from tests.conftest import RedisServer

pytestmark = pytest.mark.integration
START_TIMEOUT = 120.0
FLOWER_AUTH = ("tester", "s3cret")
CALLBACK_SECRET = "callback-test-secret"


@dataclass
class Running:
    stack: Stack
    gateway: str
    flower: str
    log_dir: Path

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name} ---\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.log_dir.glob("*.log"))
        )


def wait_until(check: Any, timeout: float, what: str, stack: Stack | None = None) -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        if stack is not None and stack.exited():
            raise AssertionError(f"processes exited while waiting for {what}: {stack.exited()}")
        try:
            last = check()
            if last:
                return last
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


@contextmanager
def run_stack(
    redis_url: str, log_dir: Path, extra_env: dict[str, str] | None = None
) -> Iterator[Running]:
    """Every service as a process against ``redis_url``; ready when all queues have consumers."""
    gateway_port, flower_port = free_port(), free_port()
    env = local_env(redis_url)
    env.update(
        UVICORN_PORT=str(gateway_port),
        FLOWER_PORT=str(flower_port),
        FLOWER_BASIC_AUTH=":".join(FLOWER_AUTH),
        ALLOW_PRIVATE_URLS="true",  # the URL test serves its page from 127.0.0.1
        RATE_LIMIT_PER_MINUTE="1000",
        CALLBACK_SECRET=CALLBACK_SECRET,
        MAX_ARTICLE_BYTES="300000",
        # One pool process per worker, as the fault tests count deaths and deliveries per process;
        # the default (one per core) runs in test_dev_stack.py and make bench.
        WORKER_CONCURRENCY="1",
        DATABASE_URL=f"sqlite:///{log_dir / 'newsflow.db'}",  # the stack's own, not the repo's
        # Monitoring: the scheduler ticks every second, so a new source is polled at once;
        # undelivered alerts are sent again after 3 s; the feed server is polite enough.
        SOURCES_TICK_SECONDS="1",
        HOST_DELAY_SECONDS="0.2",
        ALERTS_PENDING_SECONDS="3",
    )
    env.update(extra_env or {})
    stack = Stack(env, log_dir)
    stack.start()
    up = Running(
        stack, f"http://127.0.0.1:{gateway_port}", f"http://127.0.0.1:{flower_port}", log_dir
    )
    try:
        wait_until(
            lambda: httpx.get(f"{up.gateway}/readyz", timeout=5).status_code == 200,
            START_TIMEOUT,
            "gateway /readyz (all queues consumed)",
            stack,
        )
        wait_until(
            lambda: (
                httpx.get(f"{up.flower}/api/workers", auth=FLOWER_AUTH, timeout=5).status_code
                == 200
            ),
            START_TIMEOUT,
            "flower",
            stack,
        )
        yield up
    except BaseException:
        print(up.logs())
        raise
    finally:
        stack.stop()


STACK_DATABASE = "stack"


@pytest.fixture(scope="session")
def stack_database(postgres_server: PostgresServer) -> str:
    """The session stack archives into PostgreSQL, as compose does (tests/corpus runs both)."""
    admin = create_engine(postgres_server.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {STACK_DATABASE}"))
        conn.execute(text(f"CREATE DATABASE {STACK_DATABASE}"))
    admin.dispose()
    return postgres_server.url.rsplit("/", 1)[0] + f"/{STACK_DATABASE}"


@pytest.fixture(scope="session")
def running(
    redis_server: RedisServer, stack_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Running]:
    # A short sweep interval: test_corpus.py waits for the sweeper to archive after an outage.
    extra = {"DATABASE_URL": stack_database, "SWEEP_INTERVAL_SECONDS": "2"}
    with run_stack(redis_server.url, tmp_path_factory.mktemp("logs"), extra) as up:
        yield up


@pytest.fixture
def client(running: Running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=running.gateway, timeout=30) as c:
        yield c


def wait_finished(client: httpx.Client, article_id: str, timeout: float = 120.0) -> dict[str, Any]:
    def finished() -> dict[str, Any] | None:
        body: dict[str, Any] = client.get(f"/articles/{article_id}").json()
        return body if body["status"] in ("done", "failed") else None

    result: dict[str, Any] = wait_until(finished, timeout, f"article {article_id} to finish")
    return result


def flower_task(flower: str, task_id: str, state: str, timeout: float = 30) -> dict[str, Any]:
    """Flower's record of a task, once Flower shows it in ``state``."""

    def in_state() -> dict[str, Any] | None:
        task: dict[str, Any] = httpx.get(
            f"{flower}/api/task/info/{task_id}", auth=FLOWER_AUTH, timeout=10
        ).json()
        return task if task.get("state") == state else None

    found: dict[str, Any] = wait_until(in_state, timeout, f"Flower to show {task_id} {state}")
    return found
