"""The callback task against a real Redis, with the HTTP delivery replaced: once per run."""

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from redis import Redis

from services.gateway import notifier
from services.gateway.callback import CallbackError
from services.gateway.store import article_key
from shared.models import ArticleResult
from shared.names import TASK_CALLBACK
from shared.settings import Settings
from tests.conftest import RedisServer

# The app is built from these settings, so the task reads the records from the test's own Redis.
DB = 14


@pytest.fixture
def callback(redis_server: RedisServer) -> Callable[[str, str], str]:
    settings = Settings(redis_url=f"redis://127.0.0.1:{redis_server.port}/{DB}")
    task: Callable[[str, str], str] = notifier.create_app(settings).tasks[TASK_CALLBACK]
    return task


@pytest.fixture
def sent(redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    redis = Redis(port=redis_server.port, db=DB)
    redis.flushdb()
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for run_id in ("run-1", "run-2"):
        record = ArticleResult(
            id=f"a_{run_id}",
            run_id=run_id,
            status="done",
            content_type="text",
            submitted_at=now,
            updated_at=now,
            finished_at=now,
            callback_url="https://hooks.example/n",
        )
        redis.set(article_key(record.id), record.model_dump_json())
    calls: list[str] = []

    def fake_deliver(url: str, body: bytes, settings: Settings) -> int:
        calls.append(url)
        if b"run-2" in body:
            raise CallbackError("callback answered 410", retryable=False)
        return 204

    monkeypatch.setattr(notifier, "deliver", fake_deliver)
    return calls


def test_a_redelivered_callback_task_sends_nothing_more(
    sent: list[str], callback: Callable[[str, str], str]
) -> None:
    assert callback("a_run-1", "run-1") == "delivered: 204"
    assert callback("a_run-1", "run-1") == "skipped: already sent"
    assert len(sent) == 1


def test_a_final_failure_also_ends_the_runs_callbacks(
    sent: list[str], callback: Callable[[str, str], str]
) -> None:
    assert callback("a_run-2", "run-2").startswith("failed: ")
    assert callback("a_run-2", "run-2") == "skipped: already sent"
    assert len(sent) == 1


def test_a_stale_run_sends_nothing(sent: list[str], callback: Callable[[str, str], str]) -> None:
    assert callback("a_run-1", "an-older-run") == "skipped"
    assert sent == []
