"""Alerts: a watchlist matched a newly archived article. Fired once, delivered at least once.

``fire`` runs after the article's archive write, before the collector takes the article off its
archive outbox (collector.py); a collector killed in between leaves it there, the sweeper archives
it again and fires again, and the (watchlist, article) key turns the second firing into nothing.
So each matching article raises one alert per watchlist, across restarts and reruns.
Webhook delivery is at least once (notifier.py): a receiver dedupes on the alert's ``id``.
"""

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, and_, insert, select, update

from services.gateway.corpus.cursors import decode, encode
from services.gateway.corpus.rows import as_utc
from services.gateway.corpus.tables import alerts, watchlists
from services.gateway.monitor.watchlists import IndexCache
from shared.models import ArticleResult
from shared.models.watchlists import Alert, AlertPage, MatchedTerm

# An "any PERSON" watchlist on a long article matches every person mention: an alert keeps the
# first this many (title first, then in text order), enough to show why it fired.
MAX_MATCHED_TERMS = 50


def summary_text(result: ArticleResult) -> str:
    return " ".join(s.text for s in result.summary.sentences) if result.summary else ""


def fire(conn: Connection, cache: IndexCache, result: ArticleResult, now: datetime) -> list[int]:
    """Match the article against its owner's watchlists; the ids of the alerts this call made."""
    owner = result.owner or ""
    matches = cache.index(conn, owner).match(result)
    if not matches:
        return []
    already = set(
        conn.execute(
            select(alerts.c.watchlist_id).where(
                alerts.c.article_id == result.id, alerts.c.watchlist_id.in_(list(matches))
            )
        ).scalars()
    )
    made = []
    title = result.document.title if result.document else None
    for watchlist_id, terms in matches.items():
        if watchlist_id in already:
            continue
        made.append(
            conn.execute(
                insert(alerts)
                .values(
                    watchlist_id=watchlist_id,
                    article_id=result.id,
                    owner=owner,
                    run_id=result.run_id,
                    title=title,
                    summary=summary_text(result),
                    matched=json.dumps(
                        [t.model_dump(mode="json") for t in terms[:MAX_MATCHED_TERMS]]
                    ),
                    created_at=now,
                    delivery_attempts=0,
                )
                .returning(alerts.c.id)
            ).scalar_one()
        )
    return made


def _alert(row: Row[Any]) -> Alert:
    return Alert(
        id=str(row.id),
        watchlist_id=row.watchlist_id,
        article_id=row.article_id,
        run_id=row.run_id,
        title=row.title,
        summary=row.summary,
        matched=[MatchedTerm.model_validate(t) for t in json.loads(row.matched)],
        created_at=as_utc(row.created_at),
        delivered_at=as_utc(row.delivered_at) if row.delivered_at else None,
    )


def list_alerts(
    conn: Connection,
    owner: str,
    watchlist_id: str | None,
    since: datetime | None,
    limit: int,
    cursor: str | None,
) -> AlertPage:
    """Newest first, by an opaque keyset cursor."""
    query = select(alerts).where(alerts.c.owner == owner)
    if watchlist_id is not None:
        query = query.where(alerts.c.watchlist_id == watchlist_id)
    if since is not None:
        query = query.where(alerts.c.created_at >= since)
    if cursor is not None:
        _, last = decode(cursor)
        query = query.where(alerts.c.id < last)
    rows = conn.execute(query.order_by(alerts.c.id.desc()).limit(limit + 1)).all()
    page = [_alert(row) for row in rows[:limit]]
    more = len(rows) > limit
    return AlertPage(
        items=page,
        next_cursor=encode(rows[limit - 1].created_at, rows[limit - 1].id) if more else None,
    )


def get(conn: Connection, alert_id: int) -> tuple[Alert, str | None] | None:
    """An alert and its watchlist's webhook URL (None: shown on the page only)."""
    row = conn.execute(
        select(alerts, watchlists.c.webhook_url)
        .join(watchlists, watchlists.c.id == alerts.c.watchlist_id)
        .where(alerts.c.id == alert_id)
    ).first()
    if row is None:
        return None
    return _alert(row), row.webhook_url


def undelivered(
    conn: Connection, now: datetime, older_than_seconds: float, max_attempts: int
) -> Sequence[int]:
    """Alerts with a webhook still to deliver, fired at least ``older_than_seconds`` ago (the
    collector's own send has had its chance)."""
    rows = conn.execute(
        select(alerts.c.id)
        .join(watchlists, watchlists.c.id == alerts.c.watchlist_id)
        .where(
            and_(
                alerts.c.delivered_at.is_(None),
                alerts.c.delivery_attempts < max_attempts,
                alerts.c.created_at <= now - timedelta(seconds=older_than_seconds),
                watchlists.c.webhook_url.is_not(None),
            )
        )
        .order_by(alerts.c.id)
        .limit(1000)
    ).all()
    return [row.id for row in rows]


def attempted(conn: Connection, alert_id: int, error: str | None, now: datetime) -> None:
    values: dict[str, Any] = {"delivery_attempts": alerts.c.delivery_attempts + 1}
    if error is None:
        values["delivered_at"] = now
        values["delivery_error"] = None
    else:
        values["delivery_error"] = error[:1000]
    conn.execute(
        update(alerts)
        .where(alerts.c.id == alert_id, alerts.c.delivered_at.is_(None))
        .values(**values)
    )


def notification(alert: Alert) -> bytes:
    """The webhook body: the alert whole (what matched, where, and the summary)."""
    body = {"type": "alert", **alert.model_dump(mode="json")}
    body["links"] = {"article": f"/articles/{alert.article_id}", "self": f"/alerts/{alert.id}"}
    return json.dumps(body, separators=(",", ":")).encode()
