"""Gateway limits against a real (private) redis-server."""

import pytest
from redis import Redis

from services.gateway.limits import check_backlog, check_rate
from services.gateway.problems import Problem
from shared.names import QUEUE_INGEST
from shared.settings import Settings
from tests.conftest import RedisServer


@pytest.fixture
def redis(redis_server: RedisServer) -> Redis:
    # Database 15: the integration stack's workers consume queues in database 0.
    client = Redis(port=redis_server.port, db=15)
    client.flushdb()
    return client


def test_rate_limit_counts_per_client_and_says_when_to_retry(redis: Redis) -> None:
    settings = Settings(rate_limit_per_minute=3)
    for _ in range(3):
        check_rate(redis, settings, "ip:1")
    with pytest.raises(Problem) as limited:
        check_rate(redis, settings, "ip:1")
    assert limited.value.status == 429
    assert 1 <= int(limited.value.headers["Retry-After"]) <= 60
    check_rate(redis, settings, "ip:2")  # another client is not affected


def test_batch_costs_its_size(redis: Redis) -> None:
    with pytest.raises(Problem):
        check_rate(redis, Settings(rate_limit_per_minute=5), "ip:1", cost=6)


def test_backlog_past_the_limit_is_refused(redis: Redis) -> None:
    settings = Settings(max_queue_depth=2)
    redis.rpush(QUEUE_INGEST, "m1")
    check_backlog(redis, settings)
    redis.rpush(QUEUE_INGEST, "m2")
    with pytest.raises(Problem) as busy:
        check_backlog(redis, settings)
    assert busy.value.status == 429 and "Retry-After" in busy.value.headers
