"""Exactly-once effects of a finished article, read straight from Redis: its record and its event
stream must show one run, one outcome per stage and one terminal event."""

from collections import Counter

from redis import Redis

from services.gateway.store import events_key
from shared.models import ArticleEvent, ArticleResult
from shared.names import STAGES


def events_of(redis: Redis, article_id: str) -> list[ArticleEvent]:
    entries: list[tuple[bytes, dict[bytes, bytes]]] = redis.xrange(events_key(article_id))  # type: ignore[assignment]
    return [ArticleEvent.model_validate_json(fields[b"event"]) for _, fields in entries]


def effects_once(record: ArticleResult, events: list[ArticleEvent]) -> list[str]:
    """What is wrong with one finished article's stored effects (empty if nothing)."""
    problems = []
    if record.status != "done":
        problems.append(f"status {record.status}: {record.error}")
    kinds = Counter(e.type for e in events)
    if kinds["queued"] != 1 or kinds["done"] + kinds["failed"] != 1:
        problems.append(f"events {dict(kinds)}")
    outcomes = Counter(e.stage for e in events if e.type in ("stage_done", "stage_failed"))
    if any(outcomes[s] != 1 for s in STAGES):
        problems.append(f"stage outcome events {dict(outcomes)}")
    if {e.run_id for e in events} != {record.run_id}:
        problems.append(f"runs {sorted({e.run_id for e in events})}, record {record.run_id}")
    return problems
