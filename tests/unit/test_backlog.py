"""Every queue a submission feeds is bounded: a full one turns new work away with 429. The
monitor's `sources` queue (polls, not submissions) is reported, never bounded."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from redis import Redis
from redis.client import Pipeline

from services.gateway.app import create_app
from services.gateway.broker import REPORTED_QUEUES, queue_depths
from services.gateway.limits import check_backlog
from services.gateway.problems import Problem
from shared.names import (
    QUEUE_CALLBACKS,
    QUEUE_EXTRACTION,
    QUEUE_INGEST,
    QUEUE_RESULTS,
    QUEUE_SOURCES,
    QUEUE_SUMMARIZATION,
)
from shared.settings import Settings
from tests.conftest import RedisServer

DB = 14  # not 0: the integration stack's workers consume the queues of database 0
QUEUES = (QUEUE_INGEST, QUEUE_EXTRACTION, QUEUE_SUMMARIZATION, QUEUE_RESULTS, QUEUE_CALLBACKS)


class CountingRedis(Redis):
    """Counts round trips: single commands and pipeline executions."""

    round_trips = 0

    def execute_command(self, *args: Any, **options: Any) -> Any:
        self.round_trips += 1
        return super().execute_command(*args, **options)  # type: ignore[no-untyped-call]

    def pipeline(self, transaction: bool = True, shard_hint: Any = None) -> Pipeline:
        pipe = super().pipeline(transaction, shard_hint)
        original = pipe.execute

        def counted(raise_on_error: bool = True) -> list[Any]:
            self.round_trips += 1
            return original(raise_on_error)

        pipe.execute = counted  # type: ignore[method-assign]
        return pipe


@pytest.fixture
def redis(redis_server: RedisServer) -> Iterator[CountingRedis]:
    client = CountingRedis(port=redis_server.port, db=DB)
    client.flushdb()
    client.round_trips = 0
    yield client
    client.flushdb()


@pytest.mark.parametrize("queue", QUEUES)
def test_any_full_queue_refuses_new_work_naming_it(redis: CountingRedis, queue: str) -> None:
    settings = Settings(max_queue_depth=3)
    redis.rpush(queue, "m1", "m2")
    check_backlog(redis, settings)  # below the limit: accepted
    redis.rpush(queue, "m3")
    with pytest.raises(Problem) as busy:
        check_backlog(redis, settings)
    assert busy.value.status == 429
    assert int(busy.value.headers["Retry-After"]) > 0
    assert f"queue {queue} holds 3 messages" in busy.value.detail
    others = [q for q in QUEUES if q != queue]
    assert not any(f"queue {q} " in busy.value.detail for q in others)


def test_all_depths_are_read_in_one_round_trip(redis: CountingRedis) -> None:
    redis.rpush(QUEUE_SUMMARIZATION, "m1", "m2")
    redis.round_trips = 0
    depths = queue_depths(redis)
    assert redis.round_trips == 1
    assert depths == {queue: 2 if queue == QUEUE_SUMMARIZATION else 0 for queue in QUEUES}


def test_a_poll_backlog_is_reported_but_never_refuses_submissions(redis: CountingRedis) -> None:
    """Polls are not submissions: however many wait, clients (and the poller's own items, which
    pass the same check) are not turned away; /metrics still shows the depth."""
    settings = Settings(max_queue_depth=3)
    redis.rpush(QUEUE_SOURCES, "p1", "p2", "p3", "p4")
    check_backlog(redis, settings)  # accepted: `sources` is past the limit, but not bounded
    redis.round_trips = 0
    depths = queue_depths(redis, REPORTED_QUEUES)
    assert redis.round_trips == 1
    assert depths == {
        queue: 4 if queue == QUEUE_SOURCES else 0 for queue in (*QUEUES, QUEUE_SOURCES)
    }
    redis.rpush(QUEUE_RESULTS, "r1", "r2", "r3")
    with pytest.raises(Problem) as busy:
        check_backlog(redis, settings)
    assert f"queue {QUEUE_SOURCES} " not in busy.value.detail


def test_gateway_answers_429_problem_with_retry_after(redis_server: RedisServer) -> None:
    settings = Settings(redis_url=f"redis://127.0.0.1:{redis_server.port}/{DB}", max_queue_depth=1)
    queues = Redis(port=redis_server.port, db=DB)
    queues.flushdb()
    queues.rpush(QUEUE_EXTRACTION, "waiting")
    try:
        with TestClient(create_app(settings)) as client:
            single = client.post("/articles", json={"text": "Some news."})
            batch = client.post("/articles/batch", json=[{"text": "Other news."}])
    finally:
        queues.flushdb()
    for response in (single, batch):
        assert response.status_code == 429
        assert response.headers["content-type"].startswith("application/problem+json")
        assert int(response.headers["Retry-After"]) > 0
        assert "queue extraction" in response.json()["detail"]
