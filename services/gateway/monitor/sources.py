"""Followed sources in the archive database: create, read, change, delete, claim for polling.

Rows of ``sources`` (corpus/tables.py), scoped by ``owner`` like every article. Polling claims a
due source with one conditional UPDATE (``claim``), so any number of schedulers, and a tick
delivered twice, still poll each source once at a time.
"""

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, Select, delete, func, insert, select, update

from services.gateway.corpus.rows import as_utc
from services.gateway.corpus.tables import feed_items, sources
from services.gateway.monitor.canonical import canonical_url
from shared.models.sources import PollStatus, Source, SourceCreate, SourceHealth, SourcePatch


class SourceExists(Exception):
    """This owner already follows the feed (same canonical URL): served as 409."""

    def __init__(self, source_id: str) -> None:
        super().__init__(source_id)
        self.source_id = source_id


def url_key(url: str) -> str:
    return hashlib.sha256(canonical_url(url).encode()).hexdigest()


def new_source_id() -> str:
    return "src_" + secrets.token_hex(10)


def _with_runs() -> Select[Any]:
    """Sources with the submissions their items made: counted from the items themselves, so a
    poll that died before recording its own totals never loses one."""
    runs = (
        select(func.coalesce(func.sum(feed_items.c.runs), 0))
        .where(feed_items.c.source_id == sources.c.id)
        .scalar_subquery()
    )
    return select(sources, runs.label("items_submitted"))


def _source(row: Row[Any]) -> Source:
    return Source(
        id=row.id,
        url=row.url,
        kind=row.kind,
        title=row.title,
        interval_seconds=row.interval_seconds,
        language=row.language,
        tags=json.loads(row.tags),
        active=row.active,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
        health=SourceHealth(
            last_polled_at=_utc(row.last_polled_at),
            last_success_at=_utc(row.last_success_at),
            last_status=row.last_status,
            last_error=row.last_error,
            notes=json.loads(row.last_notes or "[]"),
            consecutive_errors=row.consecutive_errors,
            items_last_poll=row.items_last_poll,
            new_last_poll=row.new_last_poll,
            items_submitted=row.items_submitted,
            next_poll_at=_utc(row.next_poll_at) if row.active else None,
        ),
    )


def _utc(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def count(conn: Connection, owner: str) -> int:
    return conn.execute(select(func.count()).where(sources.c.owner == owner)).scalar_one()


def create(conn: Connection, owner: str, spec: SourceCreate, now: datetime) -> Source:
    """A new source is due at once: its first poll shows the user it works."""
    url = str(spec.url)
    key = url_key(url)
    existing = conn.execute(
        select(sources.c.id).where(sources.c.owner == owner, sources.c.url_key == key)
    ).scalar()
    if existing is not None:
        raise SourceExists(existing)
    source_id = new_source_id()
    conn.execute(
        insert(sources).values(
            id=source_id,
            owner=owner,
            url=url,
            url_key=key,
            interval_seconds=spec.interval_seconds,
            language=spec.language,
            tags=json.dumps(spec.tags),
            active=spec.active,
            created_at=now,
            updated_at=now,
            next_poll_at=now,
            consecutive_errors=0,
            items_last_poll=0,
            new_last_poll=0,
        )
    )
    found = get(conn, owner, source_id)
    assert found is not None
    return found


def get(conn: Connection, owner: str, source_id: str) -> Source | None:
    row = conn.execute(
        _with_runs().where(sources.c.id == source_id, sources.c.owner == owner)
    ).first()
    return _source(row) if row is not None else None


def get_any(conn: Connection, source_id: str) -> Row[Any] | None:
    """The whole row, owner and validators included: for the poller, not for clients."""
    return conn.execute(select(sources).where(sources.c.id == source_id)).first()


def list_sources(conn: Connection, owner: str, tag: str | None = None) -> list[Source]:
    rows = conn.execute(
        _with_runs().where(sources.c.owner == owner).order_by(sources.c.created_at, sources.c.id)
    ).all()
    found = [_source(row) for row in rows]
    return [s for s in found if tag in s.tags] if tag else found


def patch(
    conn: Connection, owner: str, source_id: str, change: SourcePatch, now: datetime
) -> Source | None:
    values: dict[str, Any] = {"updated_at": now}
    given = change.model_dump(exclude_unset=True)
    for field in ("interval_seconds", "language", "active"):
        if field in given:
            values[field] = given[field]
    if "tags" in given:
        values["tags"] = json.dumps(given["tags"] or [])
    if given.get("active"):
        values["next_poll_at"] = now  # resumed: poll now, and start the backoff afresh
        values["consecutive_errors"] = 0
    done = conn.execute(
        update(sources).where(sources.c.id == source_id, sources.c.owner == owner).values(**values)
    )
    return get(conn, owner, source_id) if done.rowcount else None


def remove(conn: Connection, owner: str, source_id: str) -> bool:
    """Its items go with it (ON DELETE CASCADE); the articles they became stay in the archive."""
    done = conn.execute(delete(sources).where(sources.c.id == source_id, sources.c.owner == owner))
    return bool(done.rowcount)


def due(conn: Connection, now: datetime, limit: int) -> Sequence[str]:
    rows = conn.execute(
        select(sources.c.id)
        .where(sources.c.active.is_(True), sources.c.next_poll_at <= now)
        .order_by(sources.c.next_poll_at)
        .limit(limit)
    ).all()
    return [row.id for row in rows]


def claim(conn: Connection, source_id: str, now: datetime, lease_seconds: float) -> bool:
    """Move a due source's next poll past a lease; True for the one caller whose UPDATE did.

    A poller that dies mid-poll leaves the lease to expire, and the source is due again then.
    """
    done = conn.execute(
        update(sources)
        .where(
            sources.c.id == source_id,
            sources.c.active.is_(True),
            sources.c.next_poll_at <= now,
        )
        .values(next_poll_at=now + timedelta(seconds=lease_seconds))
    )
    return bool(done.rowcount)


def make_due(conn: Connection, owner: str, source_id: str, now: datetime) -> bool:
    done = conn.execute(
        update(sources)
        .where(sources.c.id == source_id, sources.c.owner == owner)
        .values(next_poll_at=now)
    )
    return bool(done.rowcount)


@dataclass(frozen=True)
class PollOutcome:
    """What a poll learnt, for the source's health and its next poll."""

    status: PollStatus
    at: datetime
    next_poll_at: datetime
    kind: str | None = None
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    items: int = 0
    new: int = 0
    error: str | None = None
    notes: tuple[str, ...] = ()


def record(conn: Connection, source_id: str, outcome: PollOutcome) -> None:
    values: dict[str, Any] = {
        "last_polled_at": outcome.at,
        "last_status": outcome.status,
        "next_poll_at": outcome.next_poll_at,
    }
    if outcome.status == "error":
        values["last_error"] = outcome.error
        values["consecutive_errors"] = sources.c.consecutive_errors + 1
    else:
        values.update(last_success_at=outcome.at, last_error=None, consecutive_errors=0)
    if outcome.status == "ok":
        values.update(
            items_last_poll=outcome.items,
            new_last_poll=outcome.new,
            etag=outcome.etag,
            last_modified=outcome.last_modified,
            last_notes=json.dumps(list(outcome.notes)),
        )
        if outcome.kind:
            values["kind"] = outcome.kind
        if outcome.title:
            values["title"] = outcome.title[:1000]
    conn.execute(update(sources).where(sources.c.id == source_id).values(**values))
