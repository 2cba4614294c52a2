"""One stack of real processes for the fault tests (``make test-faults``), with fault injection on
(shared/faults.py) and a short sweeper deadline, against its own redis-server."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

import httpx
import pytest
from celery import Celery
from redis import Redis

from services.gateway.store import ArticleStore
from services.localredis import free_port
from shared.celery_app import make_celery
from shared.settings import Settings
from tests.conftest import RedisServer
from tests.integration.conftest import Running, run_stack

pytestmark = pytest.mark.faults
MAX_DELIVERIES: Final = 3
RUN_DEADLINE_SECONDS: Final = 40  # well past a normal run here, even with every fault on
SWEEP_INTERVAL_SECONDS: Final = 1
MAX_REDRIVES: Final = 2
FAULT_ENV: Final = {
    "FAULT_INJECTION": "true",
    "MAX_DELIVERIES": str(MAX_DELIVERIES),
    "RUN_DEADLINE_SECONDS": str(RUN_DEADLINE_SECONDS),
    "SWEEP_INTERVAL_SECONDS": str(SWEEP_INTERVAL_SECONDS),
    "MAX_REDRIVES": str(MAX_REDRIVES),
    "RATE_LIMIT_PER_MINUTE": "0",  # the load test submits faster than any one client should
}


@dataclass
class Faulty:
    """The running stack, plus direct access to its Redis and broker for planting orphans."""

    up: Running
    redis: RedisServer
    store: ArticleStore
    celery: Celery


@pytest.fixture(scope="session")
def faulty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Faulty]:
    redis = RedisServer(port=free_port(), data_dir=tmp_path_factory.mktemp("faults-redis"))
    redis.start()
    client = Redis.from_url(redis.url)
    try:
        with run_stack(redis.url, tmp_path_factory.mktemp("faults-logs"), FAULT_ENV) as up:
            celery = make_celery("fault-tests", Settings(redis_url=redis.url))
            yield Faulty(up, redis, ArticleStore(client), celery)
    finally:
        client.close()
        redis.stop()


@pytest.fixture
def client(faulty: Faulty) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=faulty.up.gateway, timeout=30) as c:
        yield c
