"""Gateway limits against a real (private) redis-server."""

import pytest
from redis import Redis

from services.gateway.limits import Admission, admit, check_backlog
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


def check_rate(redis: Redis, settings: Settings, client: str, cost: int = 1) -> None:
    admit(redis, Admission(settings, client, cost, backlog=False))


@pytest.mark.usefixtures("one_rate_window")
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


def _admit_and_read(redis: Redis, admission: Admission, key: str) -> list[object]:
    with redis.pipeline(transaction=False) as pipe:
        admission.queue(pipe)
        pipe.get(key)
        return admission.judge(pipe.execute())


@pytest.mark.usefixtures("one_rate_window")
def test_admission_shares_a_round_trip_and_hands_back_the_callers_replies(redis: Redis) -> None:
    redis.set("mine", "value")
    settings = Settings(rate_limit_per_minute=2, max_queue_depth=5)
    admission = Admission(settings, "ip:1")
    assert _admit_and_read(redis, admission, "mine") == [b"value"]
    assert _admit_and_read(redis, admission, "mine") == [b"value"]
    with pytest.raises(Problem) as limited:  # the third in the window
        _admit_and_read(redis, admission, "mine")
    assert limited.value.title == "Too many requests"
    # No client: no rate window, only the queues (the feed poller's items).
    assert _admit_and_read(redis, Admission(settings), "mine") == [b"value"]
    for n in range(5):
        redis.rpush(QUEUE_INGEST, f"m{n}")
    with pytest.raises(Problem) as busy:
        _admit_and_read(redis, Admission(settings), "mine")
    assert busy.value.title == "Pipeline busy"
    # Rate off: the backlog is judged alone, and the caller's reply still comes last.
    with pytest.raises(Problem):
        _admit_and_read(redis, Admission(Settings(max_queue_depth=5), "ip:9"), "mine")
    unbounded = Admission(Settings(max_queue_depth=6), "ip:9")
    assert _admit_and_read(redis, unbounded, "mine") == [b"value"]
