"""A batch killed at its hard time limit gives every article back to the single task: the worker's
main process sends them alone (shared/batch_stage.py). Sent through a real broker and read back
from its queue."""

import base64
import json
from typing import Any

import pytest
from celery.exceptions import TimeLimitExceeded
from redis import Redis

from services.ingest.worker import create_app
from shared.batch_stage import split_after_hard_limit
from shared.celery_app import NewsflowCelery
from shared.models import ArticleSubmission, IngestBatch, IngestRequest
from shared.names import QUEUE_INGEST, TASK_INGEST, TASK_INGEST_BATCH
from shared.settings import Settings
from tests.conftest import RedisServer

DB = 12  # not 0: the integration stack uses database 0


@pytest.fixture
def broker(redis_server: RedisServer) -> Redis:
    client = Redis(port=redis_server.port, db=DB)
    client.flushdb()
    return client


@pytest.fixture
def app(redis_server: RedisServer) -> NewsflowCelery:
    return create_app(Settings(redis_url=f"redis://127.0.0.1:{redis_server.port}/{DB}"))


def _queued(broker: Redis) -> list[tuple[str, Any]]:
    """(task name, first argument) of each message in the ingest queue, oldest first."""
    found = []
    for raw in reversed(broker.lrange(QUEUE_INGEST, 0, -1)):
        message = json.loads(raw)
        body = json.loads(base64.b64decode(message["body"]))
        found.append((message["headers"]["task"], body[0][0]))
    return found


def _batch(n: int) -> dict[str, Any]:
    requests = [
        IngestRequest(
            article_id=f"a{i}", run_id=f"r{i}", submission=ArticleSubmission(text=f"Text {i}.")
        )
        for i in range(n)
    ]
    return IngestBatch(requests=requests).model_dump(mode="json")


def test_a_batch_past_its_hard_limit_sends_each_article_alone(
    broker: Redis, app: NewsflowCelery
) -> None:
    payload = _batch(3)
    split_after_hard_limit(
        sender=app.tasks[TASK_INGEST_BATCH],
        task_id="t1",
        exception=TimeLimitExceeded(3.0),
        args=[payload],
    )
    assert _queued(broker) == [(TASK_INGEST, request) for request in payload["requests"]]


def test_other_failures_and_single_tasks_are_left_to_their_own_handlers(
    broker: Redis, app: NewsflowCelery
) -> None:
    payload = _batch(2)
    split_after_hard_limit(
        sender=app.tasks[TASK_INGEST_BATCH], exception=ValueError("bad"), args=[payload]
    )
    split_after_hard_limit(
        sender=app.tasks[TASK_INGEST], exception=TimeLimitExceeded(3.0), args=[payload]
    )
    assert _queued(broker) == []
