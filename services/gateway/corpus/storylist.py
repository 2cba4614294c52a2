"""Listing story clusters: the stories active in a period, the latest first, with their articles.

A story is listed once it holds ``min_size`` articles (two by default: one article alone is not
yet a story). Each comes with its articles earliest first, which source had it first, and the
entities its articles mention most.
"""

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import Connection, and_, func, or_, select

from services.gateway.corpus import cursors
from services.gateway.corpus.rows import as_utc
from services.gateway.corpus.search import HIT_COLUMNS, hit, lower_bound, upper_bound
from services.gateway.corpus.tables import article_entities, articles, stories
from shared.models.corpus import ArticleHit, EntityCount, Story, StoryPage

STORY_ARTICLES = 50
STORY_ENTITIES = 5


def story(conn: Connection, owner: str, story_id: int) -> Story | None:
    found = stories_by_id(conn, owner, [story_id])
    return found[0] if found else None


def stories_by_id(conn: Connection, owner: str, ids: list[int]) -> list[Story]:
    """These stories, in the order given: four queries for a whole page, not four per story."""
    if not ids:
        return []
    s, a, e = stories.c, articles.c, article_entities.c
    rows = {r.id: r for r in conn.execute(select(stories).where(s.id.in_(ids), s.owner == owner))}
    in_stories = [a.story_id.in_(list(rows)), a.owner == owner]
    place = (
        func.row_number().over(partition_by=a.story_id, order_by=(a.dated_at, a.pk)).label("place")
    )
    ranked = select(*HIT_COLUMNS, place).where(*in_stories).subquery()
    members: dict[int, list[ArticleHit]] = defaultdict(list)
    for m in conn.execute(
        select(ranked).where(ranked.c.place <= STORY_ARTICLES).order_by(ranked.c.place)
    ):
        members[m.story_id].append(hit(m))
    sources: dict[int, list[str]] = defaultdict(list)
    first = func.min(a.dated_at).label("first")
    for r in conn.execute(
        select(a.story_id, a.source, first)
        .where(*in_stories, a.source.is_not(None))
        .group_by(a.story_id, a.source)
        .order_by(a.story_id, first)
    ):
        sources[r.story_id].append(r.source)
    named: dict[int, list[EntityCount]] = defaultdict(list)
    count = func.count().label("n")
    for story_id, key, kind, name, n, m in conn.execute(
        select(a.story_id, e.key, func.min(e.type), func.min(e.name), count, func.sum(e.mentions))
        .select_from(article_entities.join(articles, a.pk == e.article_pk))
        .where(*in_stories)
        .group_by(a.story_id, e.key)
        .order_by(a.story_id, count.desc(), e.key)
    ):
        if len(named[story_id]) < STORY_ENTITIES:
            named[story_id].append(
                EntityCount(key=key, type=kind, name=name, articles=n, mentions=m)
            )
    return [
        Story(
            id=row.id,
            size=row.size,
            earliest_at=as_utc(row.earliest_at),
            latest_at=as_utc(row.latest_at),
            first=members[row.id][0],
            sources=sources[row.id],
            articles=members[row.id],
            top_entities=named[row.id],
        )
        for story_id in ids
        if (row := rows.get(story_id)) is not None and members[story_id]
    ]


def list_stories(
    conn: Connection,
    owner: str,
    since: datetime | date | None,
    until: datetime | date | None,
    limit: int = 20,
    cursor: str | None = None,
    min_size: int = 2,
) -> StoryPage:
    s = stories.c
    where = [s.owner == owner, s.size >= min_size]
    if since is not None:
        where.append(s.latest_at >= lower_bound(since))
    if until is not None:
        where.append(s.earliest_at < upper_bound(until))
    if cursor:
        when, story_id = cursors.decode(cursor)
        where.append(and_(s.latest_at <= when, or_(s.latest_at < when, s.id < story_id)))
    rows = conn.execute(
        select(s.id, s.latest_at)
        .where(*where)
        .order_by(s.latest_at.desc(), s.id.desc())
        .limit(limit + 1)
    ).all()
    page, more = rows[:limit], len(rows) > limit
    items = stories_by_id(conn, owner, [int(r.id) for r in page])
    last = page[-1] if more else None
    return StoryPage(
        items=items, next_cursor=cursors.encode(last.latest_at, int(last.id)) if last else None
    )
