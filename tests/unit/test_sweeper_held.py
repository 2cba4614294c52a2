"""The sweeper leaves alone a run whose stage message a worker holds right now (it reads the run
and stage of each unacknowledged message as kombu's Redis transport stores it), re-drives it once
that message is older than the hard time limit, and sends callbacks left in the outbox."""

import base64
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from celery import Celery
from redis import Redis

from services.gateway.store import ARCHIVE_KEY, CALLBACKS_KEY, ArticleStore
from services.gateway.sweeper import (
    CALLBACK_GRACE_SECONDS,
    UNACKED_INDEX_KEY,
    UNACKED_KEY,
    Sweeper,
    held_runs,
)
from shared.models import ArticleEvent, ArticleResult, ArticleSubmission, IngestRequest
from shared.names import QUEUE_RESULTS, TASK_INGEST
from shared.settings import Settings
from tests.conftest import RedisServer

DB = 11  # not 0: the integration stack uses database 0


def unacked(routing_key: str, args: list[object], encode: bool = True) -> bytes:
    body = json.dumps([args, {}, {}]).encode()
    message = {
        "body": base64.b64encode(body).decode() if encode else body.decode(),
        "headers": {"id": "t1", "task": "extraction.article"},
        "properties": {"body_encoding": "base64"} if encode else {},
    }
    return json.dumps([message, routing_key, routing_key]).encode()


def test_a_stage_message_gives_its_run_and_stage() -> None:
    raw = unacked("extraction", [{"article_id": "a1", "run_id": "r1", "document": {}}])
    assert held_runs(raw) == [("r1", "extraction")]
    plain = unacked("ingest", [{"article_id": "a1", "run_id": "r2"}], encode=False)
    assert held_runs(plain) == [("r2", "ingest")]


def test_an_outcome_being_collected_gives_its_run_and_stage() -> None:
    outcome = {"article_id": "a1", "run_id": "r3", "stage": "summarization", "status": "done"}
    assert held_runs(unacked("results", [outcome])) == [("r3", "summarization")]


def test_a_batch_gives_the_run_and_stage_of_each_article() -> None:
    requests = [{"article_id": "a1", "run_id": "r1"}, {"article_id": "a2", "run_id": "r2"}]
    batch = unacked("extraction", [{"schema_version": 1, "requests": requests}])
    assert held_runs(batch) == [("r1", "extraction"), ("r2", "extraction")]
    outcomes = [
        {"article_id": "a1", "run_id": "r1", "stage": "ingest"},
        {"article_id": "a2", "run_id": "r2", "stage": "ingest"},
    ]
    collected = unacked("results", [{"schema_version": 1, "outcomes": outcomes}])
    assert held_runs(collected) == [("r1", "ingest"), ("r2", "ingest")]


def test_other_queues_and_unreadable_entries_are_not_held_stages() -> None:
    assert held_runs(unacked("results", [{"run_id": "r1"}])) == []
    assert held_runs(unacked("callbacks", ["a1", "r1"])) == []
    assert held_runs(unacked("summarization", [])) == []
    assert held_runs(unacked("extraction", [{"requests": [{"article_id": "a1"}]}])) == []
    assert held_runs(b"not json") == []
    assert held_runs(None) == []


@dataclass
class SentTasks:
    """Stands in for the Celery app: records what the sweeper sends."""

    names: list[str] = field(default_factory=list)

    def send_task(self, name: str, args: list[Any], **options: Any) -> None:
        self.names.append(name)


@pytest.fixture
def store(redis_server: RedisServer) -> ArticleStore:
    client = Redis(port=redis_server.port, db=DB)
    client.flushdb()
    return ArticleStore(client)


def sweeper(store: ArticleStore, sent: SentTasks, called_back: list[str]) -> Sweeper:
    settings = Settings(run_deadline_seconds=40, task_time_limit=90, max_redrives=2)
    return Sweeper(store, cast(Celery, sent), settings, lambda *_: None, called_back.append)


def plant_stalled(store: ArticleStore, article_id: str, idle_seconds: float) -> None:
    """A queued run with its request kept and no progress for ``idle_seconds``."""
    then = datetime.now(UTC) - timedelta(seconds=idle_seconds)
    record = ArticleResult(
        id=article_id, run_id="r1", content_type="text", submitted_at=then, updated_at=then
    )
    event = ArticleEvent(
        article_id=article_id, run_id="r1", type="queued", status="queued", at=then
    )
    request = IngestRequest(
        article_id=article_id, run_id="r1", submission=ArticleSubmission(text="Lagos grew.")
    )
    assert store.create(record, event, request=request)


def hold(store: ArticleStore, article_id: str, seconds_ago: float) -> None:
    """A worker took the run's ingest message ``seconds_ago`` and has not acknowledged it."""
    store.redis.hset(
        UNACKED_KEY, "tag", unacked("ingest", [{"article_id": article_id, "run_id": "r1"}])
    )
    store.redis.zadd(UNACKED_INDEX_KEY, {"tag": time.time() - seconds_ago})


def test_a_stalled_run_whose_message_a_worker_holds_is_left_alone(store: ArticleStore) -> None:
    sent, called_back = SentTasks(), list[str]()
    plant_stalled(store, "a1", idle_seconds=100)
    hold(store, "a1", seconds_ago=5)
    assert sweeper(store, sent, called_back).sweep_once(datetime.now(UTC)) == {"deferred": 1}
    assert sent.names == []
    hold(store, "a1", seconds_ago=200)  # past the hard time limit: its worker died
    assert sweeper(store, sent, called_back).sweep_once(datetime.now(UTC)) == {"redriven": 1}
    assert sent.names == [TASK_INGEST]


def test_the_sweeper_sends_the_callbacks_left_in_the_outbox(store: ArticleStore) -> None:
    sent, called_back = SentTasks(), list[str]()
    then = datetime.now(UTC) - timedelta(seconds=CALLBACK_GRACE_SECONDS + 1)
    store.redis.zadd(CALLBACKS_KEY, {"a_old": then.timestamp(), "a_new": time.time()})
    counts = sweeper(store, sent, called_back).sweep_once(datetime.now(UTC))
    assert counts == {"callback sent": 1} and called_back == ["a_old"]


def test_a_stalled_run_is_left_alone_while_outcomes_wait_to_be_collected(
    store: ArticleStore,
) -> None:
    sent = SentTasks()
    plant_stalled(store, "a2", idle_seconds=100)
    store.redis.rpush(QUEUE_RESULTS, "an outcome in line")
    assert sweeper(store, sent, []).sweep_once(datetime.now(UTC)) == {"deferred": 1}
    store.redis.delete(QUEUE_RESULTS)
    assert sweeper(store, sent, []).sweep_once(datetime.now(UTC)) == {"redriven": 1}


def test_the_sweeper_archives_what_the_outbox_holds_past_the_grace(store: ArticleStore) -> None:
    settings = Settings(run_deadline_seconds=40)
    archived: list[str] = []
    called_back: list[str] = []
    sweeper = Sweeper(
        store,
        cast(Celery, SentTasks()),
        settings,
        lambda *_: None,
        called_back.append,
        archived.append,
    )
    then = datetime.now(UTC) - timedelta(seconds=CALLBACK_GRACE_SECONDS + 1)
    store.redis.zadd(ARCHIVE_KEY, {"a_old": then.timestamp(), "a_new": time.time()})
    assert sweeper.sweep_once(datetime.now(UTC)) == {"archived": 1}
    assert archived == ["a_old"]
