"""What Flower sees of a message's arguments: the article's ids, never its text (``argsrepr``).

Messages are sent by the real functions to a real redis-server and read back from the queues.
"""

import base64
import json
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from redis import Redis

from services.ingest.worker import fan_out
from shared.celery_app import NewsflowCelery
from shared.models import ArticleSubmission, Document, IngestRequest, Sentence
from shared.names import QUEUE_EXTRACTION, QUEUE_RESULTS, QUEUE_SUMMARIZATION
from shared.settings import Settings
from shared.stage import build_outcome, report
from tests.conftest import RedisServer

DB = 13  # flushed by each test that uses it
TEXT = "The harbour master's private number is 0170 555 0199."


def _queued(redis: Redis, queue: str) -> tuple[str, str]:
    """(argsrepr, body) of the message at the head of ``queue``, taken off it."""
    raw = redis.rpop(queue)
    assert isinstance(raw, bytes)
    envelope: dict[str, Any] = json.loads(raw)
    return envelope["headers"]["argsrepr"], base64.b64decode(envelope["body"]).decode()


def _task(redis_server: RedisServer) -> Any:
    """What report and fan_out use of a bound task: its app."""
    settings = Settings(redis_url=redis_server.url.replace("/0", f"/{DB}"))
    return SimpleNamespace(app=NewsflowCelery("test", settings))


def _document() -> Document:
    sentence = Sentence(index=0, start=0, end=len(TEXT), paragraph=0)
    return Document(article_id="a-1", text=TEXT, content_type="text", sentences=[sentence])


def test_an_outcome_shows_its_ids_and_stage(redis_server: RedisServer) -> None:
    redis = Redis.from_url(redis_server.url.replace("/0", f"/{DB}"))
    redis.flushdb()
    outcome = build_outcome("ingest", ("a-1", "r-1"), ("w", "t", 1), datetime.now(UTC), _document())
    report(_task(redis_server), outcome)
    argsrepr, body = _queued(redis, QUEUE_RESULTS)
    assert all(part in argsrepr for part in ("a-1", "r-1", "ingest"))
    assert "harbour" not in argsrepr and "harbour" in body


def test_the_stage_requests_show_their_ids(redis_server: RedisServer) -> None:
    redis = Redis.from_url(redis_server.url.replace("/0", f"/{DB}"))
    redis.flushdb()
    request = IngestRequest(article_id="a-1", run_id="r-1", submission=ArticleSubmission(text=TEXT))
    fan_out(_task(redis_server), request, _document())
    for queue in (QUEUE_EXTRACTION, QUEUE_SUMMARIZATION):
        argsrepr, body = _queued(redis, queue)
        assert "a-1" in argsrepr and "r-1" in argsrepr
        assert "harbour" not in argsrepr and "harbour" in body
