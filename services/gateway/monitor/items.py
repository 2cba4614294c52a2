"""The items sources delivered (``feed_items``): how a poll knows what it has already seen.

An item is known by its GUID within its source. A new GUID can still be a known article: another
source (or the same one, re-posting) may give the same canonical URL or the same content, and
then it is recorded as a duplicate of that article instead of being submitted again.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, Row, insert, or_, select, update

from services.gateway.corpus.rows import as_utc
from services.gateway.corpus.tables import feed_items
from shared.models.sources import FeedItemRecord

Outcome = Literal["submitted", "duplicate", "refused"]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Seen:
    """A feed item as the poller identifies it: digests of its GUID, URL and content."""

    source_id: str
    owner: str
    guid: str
    url: str
    title: str | None
    guid_key: str
    url_key: str
    content_key: str


def known(conn: Connection, item: Seen) -> Row[Any] | None:
    return conn.execute(
        select(feed_items).where(
            feed_items.c.source_id == item.source_id, feed_items.c.guid_key == item.guid_key
        )
    ).first()


def same_article(conn: Connection, item: Seen) -> str | None:
    """The article an item from any of this owner's sources with the same URL or content became."""
    return conn.execute(
        select(feed_items.c.article_id)
        .where(
            feed_items.c.owner == item.owner,
            feed_items.c.article_id.is_not(None),
            or_(
                feed_items.c.url_key == item.url_key,
                feed_items.c.content_key == item.content_key,
            ),
        )
        .limit(1)
    ).scalar()


def add(
    conn: Connection,
    item: Seen,
    now: datetime,
    outcome: Outcome,
    article_id: str | None,
    reason: str | None = None,
) -> None:
    conn.execute(
        insert(feed_items).values(
            source_id=item.source_id,
            guid_key=item.guid_key,
            owner=item.owner,
            guid=item.guid[:4000],
            url=item.url,
            url_key=item.url_key,
            content_key=item.content_key,
            title=item.title,
            article_id=article_id,
            outcome=outcome,
            reason=reason,
            runs=1 if outcome == "submitted" else 0,
            first_seen_at=now,
            last_seen_at=now,
        )
    )


def seen_again(conn: Connection, item: Seen, now: datetime, rerun: bool) -> None:
    """Unchanged: only the time it was last seen; changed and re-run: its content and run count."""
    values: dict[str, Any] = {"last_seen_at": now}
    if rerun:
        values.update(content_key=item.content_key, title=item.title, runs=feed_items.c.runs + 1)
    conn.execute(
        update(feed_items)
        .where(feed_items.c.source_id == item.source_id, feed_items.c.guid_key == item.guid_key)
        .values(**values)
    )


def newest(conn: Connection, source_id: str, limit: int) -> list[FeedItemRecord]:
    rows = conn.execute(
        select(feed_items)
        .where(feed_items.c.source_id == source_id)
        .order_by(feed_items.c.first_seen_at.desc(), feed_items.c.guid_key)
        .limit(limit)
    ).all()
    return [
        FeedItemRecord(
            guid=row.guid,
            url=row.url,
            title=row.title,
            article_id=row.article_id,
            first_seen_at=as_utc(row.first_seen_at),
            last_seen_at=as_utc(row.last_seen_at),
            runs=row.runs,
            outcome=row.outcome,
            reason=row.reason,
        )
        for row in rows
    ]
