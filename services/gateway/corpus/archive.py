"""Writing to the archive: one transaction per article, idempotent, safe with concurrent writers.

A rerun of an article replaces its rows (same ``pk``), so archiving the same result twice leaves
the archive as archiving it once. The per-day entity roll-up is recomputed, not incremented, for
every (entity, day) the write touches, which keeps it exact under reruns and deletes. Two
writers racing for one roll-up row make one of them fail on its key; the write is then retried.
"""

import functools
import logging
import time
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

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
T = TypeVar("T")

# Statements of every write, built once: building one costs more CPU than SQLite's running it
# (docs/performance.md, "The archive write and the collector's task events"), and a built
# statement's cache key is memoized.
_a = articles.c
_EXISTING = select(_a.pk, _a.title, _a.text, _a.story_id).where(_a.id == bindparam("article_id"))
_INSERT = insert(articles).returning(_a.pk)
_REPLACE = update(articles).where(_a.pk == bindparam("old_pk"))


def write_transaction(engine: Engine) -> Connection:
    """A connection whose next transaction takes the write lock at BEGIN (SQLite; see database)."""
    conn = engine.connect()
    conn.info["write"] = True
    return conn


def in_write_transaction(engine: Engine, work: Callable[[Connection], T]) -> T:
    """``work`` in one write transaction, run again from the start after a lost race."""
    attempt = 1
    while True:
        try:
            with write_transaction(engine) as conn, conn.begin():
                return work(conn)
        except (IntegrityError, DBAPIError) as exc:
            if attempt == WRITE_ATTEMPTS or not _transient(exc):
                raise
            log.info("archive write conflicted (attempt %d): %s", attempt, exc.orig)
            time.sleep(0.05 * attempt)
            attempt += 1


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
    when = now or datetime.now(UTC)
    return in_write_transaction(engine, lambda conn: archive_in(conn, result, when))


def archive_in(conn: Connection, result: ArticleResult, now: datetime) -> int | None:
    """``archive`` in the caller's write transaction, so that several articles (a batch) or an
    article and its alerts commit together."""
    if result.status != "done":
        return None
    rows = article_rows(result, now)
    old = _existing(conn, result.id)
    touched = set()
    if old is not None:
        pk = int(old.pk)
        touched |= _detach(conn, pk, old.title, old.text, old.story_id)
        conn.execute(_REPLACE, {**rows.article, "old_pk": pk})
    else:
        pk = int(conn.execute(_INSERT, rows.article).scalar_one())
    fulltext.index(conn, pk, rows.article["title"], rows.article["text"])
    touched |= _attach(conn, pk, rows)
    _recount(conn, touched)
    return stories.assign(conn, pk, rows.article["owner"], rows.article["dated_at"], rows.story)


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

    return bool(in_write_transaction(engine, work))


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
    return conn.execute(_EXISTING, {"article_id": article_id}).first()


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
    pairs = sorted({(o, k) for o, k, _ in keys})
    for (columns, _), statement in zip(_ROLLUP, _rollup_statements(conn.dialect.name), strict=True):
        rows = keys if len(columns) == 3 else pairs
        if conn.dialect.name == "postgresql":
            conn.execute(statement, {"keys": rows})
        else:
            conn.execute(statement, [{f"k{i}": v for i, v in enumerate(row)} for row in rows])


_d, _e, _t = entity_days.c, article_entities.c, entity_totals.c
_BY_DAY = select(
    _e.owner,
    _e.key,
    _e.day,
    func.min(_e.type),
    func.min(_e.name),
    func.count(),
    func.sum(_e.mentions),
).group_by(_e.owner, _e.key, _e.day)
_ALL_TIME = select(
    _d.owner,
    _d.key,
    func.min(_d.type),
    func.min(_d.name),
    func.sum(_d.articles),
    func.sum(_d.mentions),
).group_by(_d.owner, _d.key)
_INTO_DAYS = ["owner", "key", "day", "type", "name", "articles", "mentions"]
_INTO_TOTALS = ["owner", "key", "type", "name", "articles", "mentions"]
# The roll-up's four steps in order: the columns a step's rows are matched on, and the step given
# that match. (owner, key, day) steps run for every touched day, (owner, key) steps for every key.
_ROLLUP: tuple[
    tuple[tuple[ColumnElement[Any], ...], Callable[[ColumnElement[bool]], Executable]], ...
] = (
    ((_d.owner, _d.key, _d.day), lambda on: delete(entity_days).where(on)),
    (
        (_e.owner, _e.key, _e.day),
        lambda on: insert(entity_days).from_select(_INTO_DAYS, _BY_DAY.where(on)),
    ),
    ((_t.owner, _t.key), lambda on: delete(entity_totals).where(on)),
    (
        (_d.owner, _d.key),
        lambda on: insert(entity_totals).from_select(_INTO_TOTALS, _ALL_TIME.where(on)),
    ),
)


@functools.cache
def _rollup_statements(dialect: str) -> tuple[Executable, ...]:
    """The roll-up's statements for a back-end, built once (their cache keys memoized).
    PostgreSQL: one row-value ``IN`` over all the rows (a bitmap OR over the index; one round
    trip). SQLite: the statement with one row's parameters, run for every row (``executemany``:
    an index lookup each; SQLite scans the whole table for a row-value ``IN``, and has no round
    trips to save). An ``OR`` of ``AND``s over the rows, as once, was built and compiled afresh
    per write: most of an archive write's CPU."""

    def on(columns: tuple[ColumnElement[Any], ...]) -> ColumnElement[bool]:
        if dialect == "postgresql":
            return tuple_(*columns).in_(bindparam("keys", expanding=True))
        return and_(*(column == bindparam(f"k{i}") for i, column in enumerate(columns)))

    return tuple(step(on(columns)) for columns, step in _ROLLUP)
