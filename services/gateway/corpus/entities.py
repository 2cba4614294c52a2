"""Entity queries: the most mentioned entities over a period, and one entity in depth.

Counts and per-day series read the ``entity_days`` roll-up, so their cost follows the number of
(entity, day) pairs in the window, not the number of mentions. Co-mentions are counted over the
articles that name the entity, with pointwise mutual information (log2 of how much more often
two entities share an article than if they were independent) as the strength of the tie.
"""

import math
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select

from services.gateway.corpus.keys import parse_entity
from services.gateway.corpus.rows import as_utc
from services.gateway.corpus.search import HIT_COLUMNS, hit, lower_bound, upper_bound
from services.gateway.corpus.tables import article_entities, articles, entity_days
from shared.models.corpus import CoMention, DayCount, EntityCount, EntityDetail
from shared.models.extraction import ENTITY_TYPES

RECENT_ARTICLES = 20
CO_MENTIONS = 20


def _day_range(since: datetime | date | None, until: datetime | date | None) -> list[Any]:
    """Conditions on a ``day`` column: whole days, as the roll-up counts them."""
    d = entity_days.c
    found: list[Any] = []
    if since is not None:
        found.append(d.day >= lower_bound(since).date())
    if until is not None:
        found.append(d.day < upper_bound(until).date())
    return found


def _series(
    conn: Connection, owner: str, keys: list[str], window: list[Any]
) -> dict[str, list[DayCount]]:
    d = entity_days.c
    found: dict[str, list[DayCount]] = defaultdict(list)
    rows = conn.execute(
        select(d.key, d.day, d.articles, d.mentions)
        .where(d.owner == owner, d.key.in_(keys), *window)
        .order_by(d.key, d.day)
    )
    for r in rows:
        found[r.key].append(DayCount(day=r.day, articles=r.articles, mentions=r.mentions))
    return found


def top_entities(
    conn: Connection,
    owner: str,
    entity_type: str | None,
    since: datetime | date | None,
    until: datetime | date | None,
    top: int,
) -> list[EntityCount]:
    d = entity_days.c
    window = _day_range(since, until)
    where = [d.owner == owner, *window]
    if entity_type:
        where.append(d.type == entity_type.upper())
    total = func.sum(d.articles).label("articles")
    rows = conn.execute(
        select(d.key, func.min(d.type), func.min(d.name), total, func.sum(d.mentions))
        .where(*where)
        .group_by(d.key)
        .order_by(total.desc(), d.key)
        .limit(top)
    ).all()
    series = _series(conn, owner, [r[0] for r in rows], window)
    return [
        EntityCount(
            key=key, type=kind, name=name, articles=n, mentions=m, series=series.get(key, [])
        )
        for key, kind, name, n, m in rows
    ]


def resolve_key(conn: Connection, owner: str, value: str) -> str | None:
    """``TYPE:name`` as given; a bare name as its most mentioned type."""
    kind, name = parse_entity(value)
    if kind:
        return f"{kind}:{name}"
    d = entity_days.c
    candidates = [f"{t}:{name}" for t in sorted(ENTITY_TYPES)]
    row = conn.execute(
        select(d.key)
        .where(d.owner == owner, d.key.in_(candidates))
        .group_by(d.key)
        .order_by(func.sum(d.articles).desc(), d.key)
        .limit(1)
    ).first()
    return row[0] if row else None


def entity_detail(
    conn: Connection,
    owner: str,
    key: str,
    since: datetime | date | None,
    until: datetime | date | None,
) -> EntityDetail | None:
    resolved = resolve_key(conn, owner, key)
    if resolved is None:
        return None
    d, e, a = entity_days.c, article_entities.c, articles.c
    window = _day_range(since, until)
    summary = conn.execute(
        select(
            func.min(d.type), func.min(d.name), func.sum(d.articles), func.sum(d.mentions)
        ).where(d.owner == owner, d.key == resolved, *window)
    ).one()
    if not summary[2]:
        return None
    in_window = [e.owner == owner, e.key == resolved]
    if since is not None:
        in_window.append(a.dated_at >= lower_bound(since))
    if until is not None:
        in_window.append(a.dated_at < upper_bound(until))
    joined = article_entities.join(articles, a.pk == e.article_pk)
    first, last = conn.execute(
        select(func.min(a.dated_at), func.max(a.dated_at)).select_from(joined).where(*in_window)
    ).one()
    recent = conn.execute(
        select(*HIT_COLUMNS)
        .select_from(joined)
        .where(*in_window)
        .order_by(a.dated_at.desc(), a.pk.desc())
        .limit(RECENT_ARTICLES)
    ).all()
    return EntityDetail(
        key=resolved,
        type=summary[0],
        name=summary[1],
        articles=int(summary[2]),
        mentions=int(summary[3]),
        series=_series(conn, owner, [resolved], window).get(resolved, []),
        first_seen=as_utc(first),
        last_seen=as_utc(last),
        recent_articles=[hit(r) for r in recent],
        co_mentioned=co_mentions(conn, owner, resolved, int(summary[2]), since, until),
    )


def pmi(together: int, total: int, count_a: int, count_b: int) -> float:
    """log2 P(a, b) / (P(a) P(b)) over articles; 0 when any count is missing."""
    if not (together and total and count_a and count_b):
        return 0.0
    return math.log2(together * total / (count_a * count_b))


def co_mentions(
    conn: Connection,
    owner: str,
    key: str,
    count: int,
    since: datetime | date | None,
    until: datetime | date | None,
) -> list[CoMention]:
    e = article_entities.c
    other = article_entities.alias("other")
    o = other.c
    where = [e.owner == owner, e.key == key]
    if since is not None:
        where.append(e.day >= lower_bound(since).date())
    if until is not None:
        where.append(e.day < upper_bound(until).date())
    together = func.count().label("together")
    rows = conn.execute(
        select(o.key, func.min(o.type), func.min(o.name), together)
        .select_from(
            article_entities.join(other, and_(o.article_pk == e.article_pk, o.key != e.key))
        )
        .where(*where)
        .group_by(o.key)
        .order_by(together.desc(), o.key)
        .limit(CO_MENTIONS)
    ).all()
    if not rows:
        return []
    d, a = entity_days.c, articles.c
    window = _day_range(since, until)
    counts = dict(
        conn.execute(
            select(d.key, func.sum(d.articles))
            .where(d.owner == owner, d.key.in_([r[0] for r in rows]), *window)
            .group_by(d.key)
        ).all()
    )
    in_period = [a.owner == owner]
    if since is not None:
        in_period.append(a.dated_at >= lower_bound(since))
    if until is not None:
        in_period.append(a.dated_at < upper_bound(until))
    total = int(
        conn.execute(select(func.count()).select_from(articles).where(*in_period)).scalar_one()
    )
    return [
        CoMention(
            key=k,
            type=kind,
            name=name,
            articles=int(n),
            pmi=round(pmi(int(n), total, count, int(counts.get(k, 0))), 3),
        )
        for k, kind, name, n in rows
    ]
