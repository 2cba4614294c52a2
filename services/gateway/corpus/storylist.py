"""Listing story clusters: the stories active in a period, the latest first, with their articles.

A story is listed once it holds ``min_size`` articles (two by default: one article alone is not
yet a story). Each comes with its articles earliest first, which source had it first, and the
entities its articles mention most.
"""

from datetime import date, datetime

from sqlalchemy import Connection, and_, func, or_, select

from services.gateway.corpus import cursors
from services.gateway.corpus.rows import as_utc
from services.gateway.corpus.search import HIT_COLUMNS, hit, lower_bound, upper_bound
from services.gateway.corpus.tables import article_entities, articles, stories
from shared.models.corpus import EntityCount, Story, StoryPage

STORY_ARTICLES = 50
STORY_ENTITIES = 5


def story(conn: Connection, owner: str, story_id: int) -> Story | None:
    s = stories.c
    row = conn.execute(select(stories).where(s.id == story_id, s.owner == owner)).first()
    if row is None:
        return None
    a, e = articles.c, article_entities.c
    members = conn.execute(
        select(*HIT_COLUMNS)
        .where(a.story_id == story_id, a.owner == owner)
        .order_by(a.dated_at, a.pk)
        .limit(STORY_ARTICLES)
    ).all()
    sources = conn.execute(
        select(a.source, func.min(a.dated_at).label("first"))
        .where(a.story_id == story_id, a.owner == owner, a.source.is_not(None))
        .group_by(a.source)
        .order_by("first")
    ).all()
    count = func.count().label("n")
    top = conn.execute(
        select(e.key, func.min(e.type), func.min(e.name), count, func.sum(e.mentions))
        .select_from(article_entities.join(articles, a.pk == e.article_pk))
        .where(a.story_id == story_id, a.owner == owner)
        .group_by(e.key)
        .order_by(count.desc(), e.key)
        .limit(STORY_ENTITIES)
    ).all()
    hits = [hit(m) for m in members]
    return Story(
        id=row.id,
        size=row.size,
        earliest_at=as_utc(row.earliest_at),
        latest_at=as_utc(row.latest_at),
        first=hits[0],
        sources=[r.source for r in sources],
        articles=hits,
        top_entities=[
            EntityCount(key=k, type=t, name=n, articles=c, mentions=m) for k, t, n, c, m in top
        ],
    )


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
    items = [found for r in page if (found := story(conn, owner, int(r.id))) is not None]
    last = page[-1] if more else None
    return StoryPage(
        items=items, next_cursor=cursors.encode(last.latest_at, int(last.id)) if last else None
    )
