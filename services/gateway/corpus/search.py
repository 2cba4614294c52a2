"""Finding articles: full-text search and filters combined, newest first, a page at a time.

Every filter is a condition on ``articles`` (entity and place filters as ``EXISTS`` on their
rows), so they combine freely and a hit is never listed twice. ``conditions`` is shared with
the export, which streams the same selection without pages.
"""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, TextClause, and_, exists, or_, select

from services.gateway.corpus import cursors, fulltext
from services.gateway.corpus.keys import parse_entity, slug
from services.gateway.corpus.rows import as_utc
from services.gateway.corpus.tables import article_entities, article_places, articles
from shared.models.corpus import ArticleFilters, ArticleHit, ArticlePage
from shared.models.extraction import ENTITY_TYPES

Condition = ColumnElement[bool] | TextClause
HIT_COLUMNS = (
    articles.c.pk,
    articles.c.id,
    articles.c.title,
    articles.c.source,
    articles.c.url,
    articles.c.language,
    articles.c.published_at,
    articles.c.dated_at,
    articles.c.word_count,
    articles.c.summary,
    articles.c.story_id,
)


def lower_bound(value: datetime | date) -> datetime:
    return as_utc(value)


def upper_bound(value: datetime | date) -> datetime:
    """``until`` a date includes that whole day; ``until`` a time stops just before it."""
    if isinstance(value, datetime):
        return as_utc(value)
    return datetime.combine(value + timedelta(days=1), time(), tzinfo=UTC)


def entity_keys(value: str, entity_type: str | None) -> list[str]:
    """The keys an ``entity`` filter stands for: one with a type, one per type without."""
    kind, name = parse_entity(value)
    kind = kind or entity_type
    return [f"{kind}:{name}"] if kind else [f"{t}:{name}" for t in sorted(ENTITY_TYPES)]


def conditions(dialect: str, owner: str, filters: ArticleFilters) -> list[Condition]:
    """Raises ``fulltext.QueryError`` for a search that cannot run."""
    a = articles.c
    found: list[Condition] = [a.owner == owner]
    if filters.q:
        found.append(fulltext.condition(dialect, fulltext.parse(filters.q)))
    # Entity and place filters as "pk IN (rows of that entity)": the key's index finds a rare
    # entity's few articles directly, where a per-article EXISTS probe walked every article
    # until a page was full (SQLite, bench-corpus).
    e = article_entities.c
    if filters.entity:
        keys = entity_keys(filters.entity, filters.type)
        found.append(a.pk.in_(select(e.article_pk).where(e.key.in_(keys), e.owner == owner)))
    elif filters.type:
        found.append(exists().where(e.article_pk == a.pk, e.type == filters.type))
    if filters.place:
        p = article_places.c
        place = (
            p.source_id == filters.place if ":" in filters.place else p.key == slug(filters.place)
        )
        found.append(a.pk.in_(select(p.article_pk).where(place)))
    if filters.since is not None:
        found.append(a.dated_at >= lower_bound(filters.since))
    if filters.until is not None:
        found.append(a.dated_at < upper_bound(filters.until))
    if filters.language:
        found.append(a.language == filters.language.lower())
    if filters.story is not None:
        found.append(a.story_id == filters.story)
    return found


def after(cursor: str) -> ColumnElement[bool]:
    when, pk = cursors.decode(cursor)
    a = articles.c
    return and_(a.dated_at <= when, or_(a.dated_at < when, a.pk < pk))


def hit(row: Row[*tuple[Any, ...]], snippets: list[str] | None = None) -> ArticleHit:
    return ArticleHit(
        id=row.id,
        title=row.title,
        source=row.source,
        url=row.url,
        language=row.language,
        published_at=as_utc(row.published_at) if row.published_at else None,
        dated_at=as_utc(row.dated_at),
        word_count=row.word_count,
        summary=row.summary,
        snippets=snippets or [],
        story=row.story_id,
    )


def find_articles(
    conn: Connection,
    owner: str,
    filters: ArticleFilters,
    limit: int = 20,
    cursor: str | None = None,
) -> ArticlePage:
    where = conditions(conn.dialect.name, owner, filters)
    if cursor:
        where.append(after(cursor))
    a = articles.c
    rows = conn.execute(
        select(*HIT_COLUMNS).where(*where).order_by(a.dated_at.desc(), a.pk.desc()).limit(limit + 1)
    ).all()
    page, more = rows[:limit], len(rows) > limit
    passages: dict[int, str] = {}
    if filters.q and page:
        passages = fulltext.snippets(conn, fulltext.parse(filters.q), [int(r.pk) for r in page])
    items = [hit(r, [passages[r.pk]] if r.pk in passages else None) for r in page]
    last = page[-1] if more else None
    return ArticlePage(
        items=items, next_cursor=cursors.encode(last.dated_at, int(last.pk)) if last else None
    )
