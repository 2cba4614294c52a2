"""The callback outbox: a run's end puts its callback there in the same write, so a collector
that dies before queueing it leaves it for the sweeper (docs/reliability.md)."""

from datetime import UTC, datetime, timedelta

import pytest
from redis import Redis

from services.gateway.store import ArticleStore
from shared.models import ArticleEvent, ArticleResult
from tests.conftest import RedisServer

DB = 12  # not 0: the integration stack uses database 0


@pytest.fixture
def store(redis_server: RedisServer) -> ArticleStore:
    client = Redis(port=redis_server.port, db=DB)
    client.flushdb()
    return ArticleStore(client)


def create(store: ArticleStore, article_id: str, callback_url: str | None) -> None:
    now = datetime.now(UTC)
    record = ArticleResult(
        id=article_id,
        run_id="r1",
        content_type="text",
        callback_url=callback_url,
        submitted_at=now,
        updated_at=now,
    )
    event = ArticleEvent(article_id=article_id, run_id="r1", type="queued", status="queued", at=now)
    assert store.create(record, event)


def end(store: ArticleStore, article_id: str, kind: str = "done") -> None:
    def change(current: ArticleResult) -> tuple[ArticleResult, list[ArticleEvent]]:
        now = datetime.now(UTC)
        updated = current.model_copy(update={"status": "done", "updated_at": now})
        event = ArticleEvent.model_validate(
            {"article_id": current.id, "run_id": "r1", "type": kind, "status": "done", "at": now}
        )
        return updated, [event]

    assert store.update(article_id, change)


def later() -> datetime:
    return datetime.now(UTC) + timedelta(seconds=1)


def test_a_run_that_ends_with_a_callback_url_is_due_until_queued(store: ArticleStore) -> None:
    create(store, "a1", "https://example.org/hook")
    assert store.callbacks_due(later(), 10) == []
    end(store, "a1")
    assert store.callbacks_due(later(), 10) == ["a1"]
    assert store.callbacks_due(datetime.now(UTC) - timedelta(seconds=60), 10) == []  # not yet due
    store.callback_queued("a1")
    assert store.callbacks_due(later(), 10) == []


def test_no_callback_url_or_no_end_puts_nothing_in_the_outbox(store: ArticleStore) -> None:
    create(store, "a2", None)
    end(store, "a2")
    create(store, "a3", "https://example.org/hook")
    end(store, "a3", kind="stage_done")
    assert store.callbacks_due(later(), 10) == []


def test_deleting_an_article_empties_its_outbox_entry(store: ArticleStore) -> None:
    create(store, "a4", "https://example.org/hook")
    end(store, "a4")
    store.delete("a4")
    assert store.callbacks_due(later(), 10) == []


def test_a_run_that_ends_done_is_due_for_the_archive_until_archived(store: ArticleStore) -> None:
    create(store, "b1", None)
    end(store, "b1", kind="stage_done")
    assert store.archive_due(later(), 10) == []
    end(store, "b1")
    assert store.archive_due(later(), 10) == ["b1"]
    store.archived("b1")
    assert store.archive_due(later(), 10) == []
    create(store, "b2", None)
    end(store, "b2")
    store.delete("b2")
    assert store.archive_due(later(), 10) == []
