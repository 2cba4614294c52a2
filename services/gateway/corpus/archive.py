"""Writing to the archive: one transaction per article, idempotent, safe with concurrent writers.

A rerun of an article replaces its rows (same ``pk``), so archiving the same result twice leaves
the archive as archiving it once. The per-day entity roll-up is recomputed, not incremented, for
every (entity, day) the write touches, which keeps it exact under reruns and deletes. Two
writers racing for one roll-up row make one of them fail on its key; the write is then retried.
"""

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import Executable

from services.gateway.corpus import fulltext, stories
from services.gateway.corpus.rows import ArchiveRows, article_rows, as_utc, restored
from services.gateway.corpus.tables import (
    article_bands,
    article_entities,
    article_places,
    articles,
    entity_days,
    entity_totals,
)
from services.gateway.corpus.tables import stories as stories_table
from shared.models import ArticleResult

log = logging.getLogger(__name__)
WRITE_ATTEMPTS = 5
REINDEX_BATCH = 500
ROLLUP_LOCK_SPACE = 7_215_502  # PostgreSQL advisory locks of the roll-ups (migrations use another)
# Columns of ``articles`` that rows.py derives from the result (all but identity and text).
DERIVED_COLUMNS = ("dated_at", "day", "minhash", "story_keys", "story_terms", "summary")


def write_transaction(engine: Engine) -> Connection:
    """A connection whose next transaction takes the write lock at BEGIN (SQLite; see database)."""
    conn = engine.connect()
    conn.info["write"] = True
    return conn


def _retrying(engine: Engine, work: Callable[[Connection], int | None]) -> int | None:
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with write_transaction(engine) as conn, conn.begin():
                return work(conn)
        except (IntegrityError, DBAPIError) as exc:
            if attempt == WRITE_ATTEMPTS or not _transient(exc):
                raise
            log.info("archive write conflicted (attempt %d): %s", attempt, exc.orig)
            time.sleep(0.05 * attempt)
    return None


def _transient(exc: DBAPIError) -> bool:
    """A lost race (unique key, serialization, deadlock, a locked SQLite file): worth a retry."""
    if isinstance(exc, IntegrityError):
        return True
    code = getattr(exc.orig, "sqlstate", None)
    return code in ("40001", "40P01") or "locked" in str(exc.orig)


def archive(engine: Engine, result: ArticleResult, now: datetime | None = None) -> int | None:
    """Archive a finished article; its story id. Only ``done`` results are archived."""
    if result.status != "done":
        return None
    rows = article_rows(result, now or datetime.now(UTC))

    def work(conn: Connection) -> int | None:
        old = _existing(conn, result.id)
        touched = set()
        if old is not None:
            pk = int(old.pk)
            touched |= _detach(conn, pk, old.title, old.text, old.story_id)
            conn.execute(update(articles).where(articles.c.pk == pk).values(rows.article))
        else:
            pk = int(
                conn.execute(
                    insert(articles).values(rows.article).returning(articles.c.pk)
                ).scalar_one()
            )
        fulltext.index(conn, pk, rows.article["title"], rows.article["text"])
        touched |= _attach(conn, pk, rows)
        _recount(conn, touched)
        return stories.assign(conn, pk, rows.article["owner"], rows.article["dated_at"], rows.story)

    return _retrying(engine, work)


def remove(engine: Engine, article_id: str) -> bool:
    """Delete an article and everything derived from it; False if it was not archived."""

    def work(conn: Connection) -> int | None:
        old = _existing(conn, article_id)
        if old is None:
            return 0
        touched = _detach(conn, int(old.pk), old.title, old.text, old.story_id)
        conn.execute(delete(articles).where(articles.c.pk == old.pk))
        _recount(conn, touched)
        return 1

    return bool(_retrying(engine, work))


def get(engine: Engine, article_id: str) -> ArticleResult | None:
    """The archived record of an article, as the store served it while it was hot."""
    with engine.connect() as conn:
        row = conn.execute(
            select(articles.c.result, articles.c.text).where(articles.c.id == article_id)
        ).first()
    return restored(row.result, row.text) if row else None


def story_of(engine: Engine, article_id: str) -> int | None:
    with engine.connect() as conn:
        found = conn.execute(
            select(articles.c.story_id).where(articles.c.id == article_id)
        ).scalar_one_or_none()
    return int(found) if found is not None else None


def _attach(conn: Connection, pk: int, rows: ArchiveRows) -> set[tuple[str, str, date]]:
    """Write an article's entity and place rows; the roll-up rows they count in."""
    if rows.entities:
        conn.execute(insert(article_entities), [{"article_pk": pk, **e} for e in rows.entities])
    if rows.places:
        conn.execute(insert(article_places), [{"article_pk": pk, **p} for p in rows.places])
    return {(e["owner"], e["key"], e["day"]) for e in rows.entities}


def reindex(engine: Engine, batch: int = REINDEX_BATCH) -> int:
    """Rebuild every derived table from the archived results (after a change to how rows,
    keys or stories are derived); the number of articles. Stories are replayed in date order,
    as they formed. One transaction: readers see the old tables until it commits."""
    a = articles.c
    with write_transaction(engine) as conn, conn.begin():
        tables = (
            article_bands,
            article_entities,
            article_places,
            entity_days,
            entity_totals,
            stories_table,
        )
        for table in tables:
            conn.execute(delete(table))
        conn.execute(update(articles).values(story_id=None))
        fulltext.rebuild(conn)
        done, last = 0, None
        while True:
            page = select(a.pk, a.result, a.text, a.archived_at).order_by(a.dated_at, a.pk)
            if last is not None:
                when, key = last
                page = page.where(or_(a.dated_at > when, and_(a.dated_at == when, a.pk > key)))
            chunk = conn.execute(page.limit(batch)).all()
            if not chunk:
                return done
            touched: set[tuple[str, str, date]] = set()
            for row in chunk:
                rows = article_rows(restored(row.result, row.text), as_utc(row.archived_at))
                derived = {k: rows.article[k] for k in DERIVED_COLUMNS}
                conn.execute(update(articles).where(a.pk == row.pk).values(derived))
                touched |= _attach(conn, int(row.pk), rows)
                stories.assign(
                    conn, int(row.pk), rows.article["owner"], rows.article["dated_at"], rows.story
                )
            _recount(conn, touched)
            done += len(chunk)
            last_row = conn.execute(select(a.dated_at, a.pk).where(a.pk == chunk[-1].pk)).one()
            last = (last_row.dated_at, last_row.pk)


def _existing(conn: Connection, article_id: str) -> Row[*tuple[Any, ...]] | None:
    a = articles.c
    return conn.execute(select(a.pk, a.title, a.text, a.story_id).where(a.id == article_id)).first()


def _detach(
    conn: Connection, pk: int, title: str | None, body: str, story_id: int | None
) -> set[tuple[str, str, date]]:
    """Remove an archived article's derived rows; the roll-up rows they counted in."""
    e = article_entities.c
    touched = {
        (r.owner, r.key, r.day)
        for r in conn.execute(select(e.owner, e.key, e.day).where(e.article_pk == pk))
    }
    fulltext.unindex(conn, pk, title, body)
    stories.remove(conn, pk, story_id)
    conn.execute(delete(article_entities).where(e.article_pk == pk))
    conn.execute(delete(article_places).where(article_places.c.article_pk == pk))
    return touched


def _recount(conn: Connection, touched: Iterable[tuple[str, str, date]]) -> None:
    """Recompute the roll-ups of these (owner, key, day): the day rows from the mention rows,
    then each key's all-time row from its day rows."""
    keys = sorted(set(touched))
    if not keys:
        return
    if conn.dialect.name == "postgresql":
        # Writers recounting the same entity take turns (in one global order: no deadlock), so
        # each sees the other's committed rows; SQLite's writers already take turns at BEGIN.
        conn.execute(
            text(
                "SELECT pg_advisory_xact_lock(:space, h) FROM (SELECT DISTINCT hashtext(k) AS h "
                "FROM unnest(CAST(:keys AS text[])) AS k ORDER BY h) AS ordered"
            ),
            {"space": ROLLUP_LOCK_SPACE, "keys": sorted({f"{o}\x1f{k}" for o, k, _ in keys})},
        )
    d, e, t = entity_days.c, article_entities.c, entity_totals.c
    _per_key(conn, (d.owner, d.key, d.day), keys, lambda on: delete(entity_days).where(on))
    by_day = select(
        e.owner,
        e.key,
        e.day,
        func.min(e.type),
        func.min(e.name),
        func.count(),
        func.sum(e.mentions),
    ).group_by(e.owner, e.key, e.day)
    into_days = ["owner", "key", "day", "type", "name", "articles", "mentions"]
    _per_key(
        conn,
        (e.owner, e.key, e.day),
        keys,
        lambda on: insert(entity_days).from_select(into_days, by_day.where(on)),
    )
    pairs = sorted({(o, k) for o, k, _ in keys})
    _per_key(conn, (t.owner, t.key), pairs, lambda on: delete(entity_totals).where(on))
    all_time = select(
        d.owner,
        d.key,
        func.min(d.type),
        func.min(d.name),
        func.sum(d.articles),
        func.sum(d.mentions),
    ).group_by(d.owner, d.key)
    into_totals = ["owner", "key", "type", "name", "articles", "mentions"]
    _per_key(
        conn,
        (d.owner, d.key),
        pairs,
        lambda on: insert(entity_totals).from_select(into_totals, all_time.where(on)),
    )


def _per_key(
    conn: Connection,
    columns: tuple[ColumnElement[Any], ...],
    rows: Sequence[tuple[Any, ...]],
    statement: Callable[[ColumnElement[bool]], Executable],
) -> None:
    """Run ``statement`` for the rows whose ``columns`` equal one of ``rows``, as one statement
    SQLAlchemy compiles once and caches whatever the number of rows. PostgreSQL: one row-value
    ``IN`` (a bitmap OR over the index; one round trip). SQLite: the statement with one row's
    parameters, run for every row (``executemany``: an index lookup each; SQLite scans the whole
    table for a row-value ``IN``, and has no round trips to save). An ``OR`` of ``AND``s over the
    rows, as before, was built and compiled afresh per write: most of an archive write's CPU."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(statement(tuple_(*columns).in_(rows)))
        return
    names = [f"k{i}" for i in range(len(columns))]
    on = and_(*(column == bindparam(name) for column, name in zip(columns, names, strict=True)))
    conn.execute(statement(on), [dict(zip(names, row, strict=True)) for row in rows])
