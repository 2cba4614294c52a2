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

from sqlalchemy import Connection, func, select

from services.gateway.corpus.keys import parse_entity
from services.gateway.corpus.rows import as_utc
from services.gateway.corpus.search import HIT_COLUMNS, hit, lower_bound, upper_bound
from services.gateway.corpus.tables import article_entities, articles, entity_days, entity_totals
from shared.models.corpus import CoMention, DayCount, EntityCount, EntityDetail
from shared.models.extraction import ENTITY_TYPES

RECENT_ARTICLES = 20
CO_MENTIONS = 20
# Co-mentions of an entity named in more articles than this are counted over its newest this
# many: at 100,000 articles the most named entity (4,321 articles) took 330 ms to count in full
# on PostgreSQL (make bench-corpus); this bounds the work at any size.
CO_MENTION_SAMPLE = 2000
Bound = datetime | date | None


def _day_range(since: Bound, until: Bound) -> list[Any]:
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
    """Per-day counts of each key. The rows are fetched at once (``all``): iterating the result
    fetches them one driver call at a time, which for the all-time series of the top 20 entities
    (~7,000 days at 100,000 articles) took twice the CPU, 26 -> 13 ms a call (make bench-corpus)."""
    d = entity_days.c
    found: dict[str, list[DayCount]] = defaultdict(list)
    rows = conn.execute(
        select(d.key, d.day, d.articles, d.mentions)
        .where(d.owner == owner, d.key.in_(keys), *window)
        .order_by(d.key, d.day)
    ).all()
    for key, day, articles_n, mentions_n in rows:
        found[key].append(DayCount(day=day, articles=articles_n, mentions=mentions_n))
    return found


def top_entities(
    conn: Connection,
    owner: str,
    entity_type: str | None,
    since: Bound,
    until: Bound,
    top: int,
) -> list[EntityCount]:
    window = _day_range(since, until)
    if since is None and until is None:  # all time: the top of the totals' index
        t = entity_totals.c
        kept = [t.owner == owner] + ([t.type == entity_type.upper()] if entity_type else [])
        rows = conn.execute(
            select(t.key, t.type, t.name, t.articles, t.mentions)
            .where(*kept)
            .order_by(t.articles.desc(), t.key)
            .limit(top)
        ).all()
    else:
        d = entity_days.c
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


def _mentions_in(owner: str, key: str, since: Bound, until: Bound) -> list[Any]:
    """Conditions on article_entities for one entity in a period (its dated_at index)."""
    e = article_entities.c
    found: list[Any] = [e.key == key, e.owner == owner]
    if since is not None:
        found.append(e.dated_at >= lower_bound(since))
    if until is not None:
        found.append(e.dated_at < upper_bound(until))
    return found


def entity_detail(
    conn: Connection,
    owner: str,
    key: str,
    since: Bound,
    until: Bound,
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
    mentions = _mentions_in(owner, resolved, since, until)
    first, last = conn.execute(
        select(func.min(e.dated_at), func.max(e.dated_at)).where(*mentions)
    ).one()
    newest = (
        select(e.article_pk, e.dated_at)
        .where(*mentions)
        .order_by(e.dated_at.desc(), e.article_pk.desc())
        .limit(RECENT_ARTICLES)
        .subquery()
    )
    recent = conn.execute(
        select(*HIT_COLUMNS)
        .join(newest, newest.c.article_pk == a.pk)
        .order_by(a.dated_at.desc(), a.pk.desc())
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


def pmi(together: float, total: int, count_a: int, count_b: int) -> float:
    """log2 P(a, b) / (P(a) P(b)) over articles; 0 when any count is missing."""
    if not (together and total and count_a and count_b):
        return 0.0
    return math.log2(together * total / (count_a * count_b))


def co_mentions(
    conn: Connection,
    owner: str,
    key: str,
    count: int,
    since: Bound,
    until: Bound,
) -> list[CoMention]:
    """Entities named in the same articles, counted over the entity's newest
    ``CO_MENTION_SAMPLE`` articles in the period (all of them, for most entities), so the cost
    is bounded however often it is named; PMI scales the sample's count to all its articles."""
    e = article_entities.c
    sample = (
        select(e.article_pk)
        .where(*_mentions_in(owner, key, since, until))
        .order_by(e.dated_at.desc())
        .limit(CO_MENTION_SAMPLE)
        .subquery()
    )
    other = article_entities.alias("other")
    o = other.c
    together = func.count().label("together")
    rows = conn.execute(
        select(o.key, func.min(o.type), func.min(o.name), together)
        .join(sample, sample.c.article_pk == o.article_pk)
        .where(o.key != key)
        .group_by(o.key)
        .order_by(together.desc(), o.key)
        .limit(CO_MENTIONS)
    ).all()
    if not rows:
        return []
    sampled = min(count, CO_MENTION_SAMPLE)
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
            pmi=round(pmi(int(n) * count / sampled, total, count, int(counts.get(k, 0))), 3),
        )
        for k, kind, name, n in rows
    ]
