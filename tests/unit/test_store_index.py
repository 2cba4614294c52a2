"""The article index never outgrows the articles: entries of expired or deleted records go."""

import time
from datetime import UTC, datetime

import pytest
from redis import Redis

from services.gateway.store import INDEX_KEY, ArticleStore, article_key
from shared.models import ArticleEvent, ArticleResult
from tests.conftest import RedisServer

DB = 13  # not 0: the integration stack uses database 0


@pytest.fixture
def redis(redis_server: RedisServer) -> Redis:
    client = Redis(port=redis_server.port, db=DB)
    client.flushdb()
    return client


def create(store: ArticleStore, article_id: str) -> None:
    now = datetime.now(UTC)
    result = ArticleResult(
        id=article_id, run_id="r1", content_type="text", submitted_at=now, updated_at=now
    )
    event = ArticleEvent(article_id=article_id, run_id="r1", type="queued", status="queued", at=now)
    assert store.create(result, event)


def touch(store: ArticleStore, article_id: str) -> None:
    """An update that writes the record (as the collector does on each stage outcome)."""

    def change(current: ArticleResult) -> tuple[ArticleResult, list[ArticleEvent]]:
        updated = current.model_copy(update={"status": "processing"})
        now = datetime.now(UTC)
        return updated, [
            ArticleEvent(
                article_id=current.id, run_id="r1", type="stage_done", status="processing", at=now
            )
        ]

    assert store.update(article_id, change)


def indexed(redis: Redis) -> set[str]:
    members = redis.zrange(INDEX_KEY, 0, -1)
    return {m.decode() if isinstance(m, bytes) else str(m) for m in members}


def test_expired_records_leave_the_index_on_the_next_write(redis: Redis) -> None:
    store = ArticleStore(redis, ttl_seconds=1)
    create(store, "a_old")
    time.sleep(2.2)  # past the TTL and the prune slack
    create(store, "a_new")
    assert not redis.exists(article_key("a_old"))
    assert indexed(redis) == {"a_new"}


def test_a_record_written_again_keeps_its_entry(redis: Redis) -> None:
    store = ArticleStore(redis, ttl_seconds=60)
    create(store, "a_busy")
    create(store, "a_idle")
    long_ago = time.time() - 3600
    redis.zadd(INDEX_KEY, {"a_busy": long_ago, "a_idle": long_ago})  # both last written an hour ago
    touch(store, "a_busy")  # written now: its record lives another TTL
    create(store, "a_third")
    assert indexed(redis) == {"a_busy", "a_third"}


def test_deleted_articles_leave_the_index(redis: Redis) -> None:
    store = ArticleStore(redis, ttl_seconds=60)
    create(store, "a_gone")
    assert store.delete("a_gone")
    assert indexed(redis) == set()


def test_without_a_ttl_nothing_is_pruned(redis: Redis) -> None:
    store = ArticleStore(redis, ttl_seconds=0)  # results kept forever: so are their entries
    create(store, "a_first")
    redis.zadd(INDEX_KEY, {"a_first": 0})
    create(store, "a_second")
    assert indexed(redis) == {"a_first", "a_second"}
