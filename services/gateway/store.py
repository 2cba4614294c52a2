"""Where articles live: one JSON document per article and an event stream per article, in Redis.

The gateway creates records, the collector updates them; both go through this module so the key
layout is written down once. Runs not yet ``done`` or ``failed`` are also listed in a sorted set
by their last progress, with the ingest request they started from, so the sweeper can find a run
that stalled and send it again (docs/reliability.md).
"""

import time
from collections.abc import Callable
from datetime import datetime

from redis import Redis
from redis.client import Pipeline

from shared.models import ArticleEvent, ArticleResult, IngestRequest

PREFIX = "newsflow"
EVENTS_MAXLEN = 200


def article_key(article_id: str) -> str:
    return f"{PREFIX}:article:{article_id}"


def events_key(article_id: str) -> str:
    return f"{PREFIX}:events:{article_id}"


def request_key(article_id: str) -> str:
    return f"{PREFIX}:request:{article_id}"


# Sorted set: article id by the time its record was last written. A record expires the TTL after
# its last write, so an entry older than the TTL is an expired record's: ``create`` prunes them.
INDEX_KEY = f"{PREFIX}:articles"
# The clock is read just before the record's SET reaches Redis; this slack keeps a record that
# expires a moment later than its entry says from ever losing its entry while it lives.
INDEX_PRUNE_SLACK_SECONDS = 1.0
OPEN_KEY = f"{PREFIX}:open"  # sorted set: article id of unfinished runs by last progress
# Sorted set, the callback outbox: article id of runs that ended (with a callback URL) by end time,
# written with the run's end and removed once the collector has queued the callback, so a
# collector that dies in between leaves it for the sweeper to send (docs/reliability.md).
CALLBACKS_KEY = f"{PREFIX}:callbacks"
# Sorted set, the archive outbox: article id of runs that ended ``done``, by end time, removed once
# the collector has written the article to the archive (services/gateway/corpus); an entry left
# by a collector that died or a database that was down is archived by the sweeper.
ARCHIVE_KEY = f"{PREFIX}:to-archive"
FINAL_STATUSES = ("done", "failed")


class ArticleStore:
    def __init__(self, redis: Redis, ttl_seconds: int = 0) -> None:
        self.redis = redis
        self.ttl = ttl_seconds or None

    def get(self, article_id: str) -> ArticleResult | None:
        return self.parse(self.redis.get(article_key(article_id)))

    @staticmethod
    def read(pipe: Pipeline, article_id: str) -> None:
        """Adds the record's read to ``pipe`` (one reply, for ``parse``), to share a round trip."""
        pipe.get(article_key(article_id))

    @staticmethod
    def parse(raw: bytes | str | None) -> ArticleResult | None:
        return ArticleResult.model_validate_json(raw) if raw else None

    def delete(self, article_id: str) -> bool:
        with self.redis.pipeline() as pipe:
            pipe.delete(article_key(article_id), events_key(article_id), request_key(article_id))
            pipe.zrem(INDEX_KEY, article_id)
            pipe.zrem(OPEN_KEY, article_id)
            pipe.zrem(CALLBACKS_KEY, article_id)
            pipe.zrem(ARCHIVE_KEY, article_id)
            deleted = pipe.execute()[0]
        return bool(deleted)

    def create(
        self,
        result: ArticleResult,
        event: ArticleEvent,
        replace: bool = False,
        request: IngestRequest | None = None,
    ) -> bool:
        """Store a new run of an article; False if one exists and ``replace`` is off.

        ``request`` is kept until the run ends, so a run whose message is lost can be re-sent.
        """
        key = article_key(result.id)
        if not self.redis.set(key, result.model_dump_json(), nx=not replace, ex=self.ttl):
            return False
        with self.redis.pipeline() as pipe:
            pipe.delete(events_key(result.id), request_key(result.id))
            self._add_events(pipe, result.id, [event])
            self._index(pipe, result.id, prune=True)
            if request is not None:
                pipe.set(request_key(result.id), request.model_dump_json(), ex=self.ttl)
            self._track(pipe, result)
            pipe.execute()
        return True

    def ingest_request(self, article_id: str) -> IngestRequest | None:
        raw = self.redis.get(request_key(article_id))
        return IngestRequest.model_validate_json(raw) if raw else None

    def stalled(self, before: datetime, limit: int) -> list[str]:
        """Unfinished runs whose last progress is older than ``before``, oldest first."""
        ids = self.redis.zrangebyscore(OPEN_KEY, "-inf", before.timestamp(), start=0, num=limit)
        return [i.decode() if isinstance(i, bytes) else str(i) for i in ids]

    def callbacks_due(self, before: datetime, limit: int) -> list[str]:
        """Ended runs whose callback was still not queued at ``before``, oldest first."""
        cutoff = before.timestamp()
        ids = self.redis.zrangebyscore(CALLBACKS_KEY, "-inf", cutoff, start=0, num=limit)
        return [i.decode() if isinstance(i, bytes) else str(i) for i in ids]

    def callback_queued(self, article_id: str) -> None:
        self.redis.zrem(CALLBACKS_KEY, article_id)

    def archive_due(self, before: datetime, limit: int) -> list[str]:
        """Runs that ended ``done`` and were still not archived at ``before``, oldest first."""
        ids = self.redis.zrangebyscore(ARCHIVE_KEY, "-inf", before.timestamp(), start=0, num=limit)
        return [i.decode() if isinstance(i, bytes) else str(i) for i in ids]

    def archived(self, article_id: str) -> None:
        self.redis.zrem(ARCHIVE_KEY, article_id)

    def forget(self, article_id: str) -> None:
        """Stop tracking a run whose record is gone (expired or deleted)."""
        with self.redis.pipeline() as pipe:
            pipe.zrem(OPEN_KEY, article_id)
            pipe.delete(request_key(article_id))
            pipe.execute()

    def _track(self, pipe: Pipeline, result: ArticleResult) -> None:
        if result.status in FINAL_STATUSES:
            pipe.zrem(OPEN_KEY, result.id)
            pipe.delete(request_key(result.id))
        else:
            pipe.zadd(OPEN_KEY, {result.id: result.updated_at.timestamp()})

    def update(
        self,
        article_id: str,
        change: Callable[[ArticleResult], tuple[ArticleResult, list[ArticleEvent]]],
    ) -> list[ArticleEvent]:
        """Apply ``change`` atomically (optimistic locking), storing its events with the result."""
        key = article_key(article_id)
        events: list[ArticleEvent] = []

        def attempt(pipe: Pipeline) -> None:
            nonlocal events
            raw = pipe.get(key)
            if raw is None:
                events = []
                return
            updated, events = change(ArticleResult.model_validate_json(raw))
            if not events:
                return
            pipe.multi()
            pipe.set(key, updated.model_dump_json(), ex=self.ttl)
            self._index(pipe, article_id)
            self._add_events(pipe, article_id, events)
            self._track(pipe, updated)
            if updated.callback_url and any(e.type in FINAL_STATUSES for e in events):
                pipe.zadd(CALLBACKS_KEY, {article_id: updated.updated_at.timestamp()})
            if any(e.type == "done" for e in events):
                pipe.zadd(ARCHIVE_KEY, {article_id: updated.updated_at.timestamp()})

        self.redis.transaction(attempt, key)
        return events

    def _index(self, pipe: Pipeline, article_id: str, prune: bool = False) -> None:
        """List the article at this write's time; ``prune`` drops the entries of expired records."""
        now = time.time()
        pipe.zadd(INDEX_KEY, {article_id: now})
        if prune and self.ttl:
            cutoff = now - self.ttl - INDEX_PRUNE_SLACK_SECONDS
            pipe.zremrangebyscore(INDEX_KEY, "-inf", f"({cutoff}")

    def _add_events(self, pipe: Pipeline, article_id: str, events: list[ArticleEvent]) -> None:
        stream = events_key(article_id)
        for event in events:
            pipe.xadd(stream, {"event": event.model_dump_json()}, maxlen=EVENTS_MAXLEN)
        if self.ttl:
            pipe.expire(stream, self.ttl)
