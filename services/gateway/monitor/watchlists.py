"""Saved watchlists in the archive database, and the compiled index each collector keeps of them.

Matching an article needs every active watchlist of its owner compiled into one index
(watch.py). Each process keeps the index per owner and rebuilds it only when that owner's
watchlists changed: a cheap check per archived article (their count and latest change).
"""

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, select, update

from services.gateway.corpus.rows import as_utc
from services.gateway.corpus.tables import watchlists
from services.gateway.monitor.watch_index import WatchIndex
from shared.models.watchlists import Watchlist, WatchlistCreate, WatchlistPatch, WatchQuery


def new_watchlist_id() -> str:
    return "wl_" + secrets.token_hex(10)


def _watchlist(row: Row[Any]) -> Watchlist:
    return Watchlist(
        id=row.id,
        name=row.name,
        query=WatchQuery.model_validate_json(row.query),
        webhook_url=row.webhook_url,
        active=row.active,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
    )


def count(conn: Connection, owner: str) -> int:
    return conn.execute(
        select(func.count()).select_from(watchlists).where(watchlists.c.owner == owner)
    ).scalar_one()


def create(conn: Connection, owner: str, spec: WatchlistCreate, now: datetime) -> Watchlist:
    watchlist_id = new_watchlist_id()
    conn.execute(
        insert(watchlists).values(
            id=watchlist_id,
            owner=owner,
            name=spec.name,
            query=spec.query.model_dump_json(),
            webhook_url=str(spec.webhook_url) if spec.webhook_url else None,
            active=spec.active,
            created_at=now,
            updated_at=now,
        )
    )
    found = get(conn, owner, watchlist_id)
    assert found is not None
    return found


def get(conn: Connection, owner: str, watchlist_id: str) -> Watchlist | None:
    row = conn.execute(
        select(watchlists).where(watchlists.c.id == watchlist_id, watchlists.c.owner == owner)
    ).first()
    return _watchlist(row) if row is not None else None


def list_watchlists(conn: Connection, owner: str) -> list[Watchlist]:
    rows = conn.execute(
        select(watchlists)
        .where(watchlists.c.owner == owner)
        .order_by(watchlists.c.created_at, watchlists.c.id)
    ).all()
    return [_watchlist(row) for row in rows]


def patch(
    conn: Connection, owner: str, watchlist_id: str, change: WatchlistPatch, now: datetime
) -> Watchlist | None:
    given = change.model_dump(exclude_unset=True)
    values: dict[str, Any] = {"updated_at": now}
    if "name" in given:
        values["name"] = change.name
    if "query" in given and change.query is not None:
        values["query"] = change.query.model_dump_json()
    if "webhook_url" in given:
        values["webhook_url"] = str(change.webhook_url) if change.webhook_url else None
    if "active" in given and change.active is not None:
        values["active"] = change.active
    done = conn.execute(
        update(watchlists)
        .where(watchlists.c.id == watchlist_id, watchlists.c.owner == owner)
        .values(**values)
    )
    return get(conn, owner, watchlist_id) if done.rowcount else None


def remove(conn: Connection, owner: str, watchlist_id: str) -> bool:
    """Its alerts go with it (ON DELETE CASCADE)."""
    done = conn.execute(
        delete(watchlists).where(watchlists.c.id == watchlist_id, watchlists.c.owner == owner)
    )
    return bool(done.rowcount)


def _version(conn: Connection, owner: str) -> tuple[int, str]:
    count_, latest = conn.execute(
        select(func.count(), func.max(watchlists.c.updated_at)).where(watchlists.c.owner == owner)
    ).one()
    return int(count_), str(latest)


@dataclass
class IndexCache:
    """The compiled index of each owner's active watchlists, rebuilt when they change."""

    built: dict[str, tuple[tuple[int, str], WatchIndex]] = field(default_factory=dict)

    def index(self, conn: Connection, owner: str) -> WatchIndex:
        version = _version(conn, owner)
        kept = self.built.get(owner)
        if kept is not None and kept[0] == version:
            return kept[1]
        rows = conn.execute(
            select(watchlists.c.id, watchlists.c.query).where(
                watchlists.c.owner == owner, watchlists.c.active.is_(True)
            )
        ).all()
        index = WatchIndex.build(
            (row.id, WatchQuery.model_validate_json(row.query)) for row in rows
        )
        self.built[owner] = (version, index)
        return index
