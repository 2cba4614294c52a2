"""Full-text search, in each back-end's own way: the one module where SQLite and PostgreSQL differ.

A query is written once, in the web-search syntax people know (words, ``"a phrase"``, ``OR``,
``-word``), parsed here into a small tree, and rendered for SQLite FTS5 (``MATCH``) or for
PostgreSQL (``to_tsquery`` over a generated ``tsvector``). Only word characters reach either
engine, so no query can be a syntax error there. Both stem English (Porter / Snowball).
Snippets come back HTML-escaped with the matches in ``<mark>``.
"""

import html
import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, TextClause, literal_column, text

from services.gateway.corpus.tables import articles

_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")
MAX_ATOMS = 16  # a longer query is refused, not slowed to a crawl
_OPEN, _CLOSE = "\x02", "\x03"  # never in clean article text; turned into <mark> after escaping
SNIPPET_WORDS = 24


class QueryError(ValueError):
    """A search the user must change: served as 422 on the ``q`` parameter."""


@dataclass(frozen=True)
class Atom:
    words: tuple[str, ...]  # one word, or a phrase


@dataclass(frozen=True)
class SearchQuery:
    required: tuple[tuple[Atom, ...], ...]  # all of these groups; any atom of a group
    excluded: tuple[Atom, ...]


def parse(q: str) -> SearchQuery:
    groups: list[list[Atom]] = []
    excluded: list[Atom] = []
    join_next = False
    count = 0
    for match in _TOKEN.finditer(q):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare == "OR":
            join_next = bool(groups)
            continue
        raw = phrase if phrase is not None else bare
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, raw = "-", bare[1:]
        words = tuple(w.casefold() for w in _WORD.findall(raw or ""))
        if not words:
            continue
        count += 1
        atom = Atom(words)
        if negated:
            excluded.append(atom)
        elif join_next:
            groups[-1].append(atom)
        else:
            groups.append([atom])
        join_next = False
    if count > MAX_ATOMS:
        raise QueryError(f"at most {MAX_ATOMS} words or phrases")
    if not groups:
        raise QueryError("a search needs at least one word to find (not only -excluded ones)")
    return SearchQuery(tuple(tuple(g) for g in groups), tuple(excluded))


def _fts5(query: SearchQuery) -> str:
    def atom(a: Atom) -> str:
        return '"' + " ".join(a.words) + '"'

    def group(g: tuple[Atom, ...]) -> str:
        return atom(g[0]) if len(g) == 1 else "(" + " OR ".join(map(atom, g)) + ")"

    rendered = " AND ".join(map(group, query.required))
    for a in query.excluded:
        rendered = f"({rendered}) NOT {atom(a)}"
    return rendered


def _tsquery(query: SearchQuery) -> str:
    def atom(a: Atom) -> str:
        return a.words[0] if len(a.words) == 1 else "(" + " <-> ".join(a.words) + ")"

    def group(g: tuple[Atom, ...]) -> str:
        return atom(g[0]) if len(g) == 1 else "(" + " | ".join(map(atom, g)) + ")"

    parts = [group(g) for g in query.required] + [f"!{atom(a)}" for a in query.excluded]
    return " & ".join(parts)


def condition(dialect: str, query: SearchQuery) -> ColumnElement[bool] | TextClause:
    """A WHERE clause on ``articles`` for the articles that match."""
    if dialect == "postgresql":
        # Inline, so the planner picks per word: a common word walks the date index and stops at
        # a page; a rare one takes the GIN matches and sorts them. That choice rests on the
        # column's statistics, kept fine-grained by the migration (a coarse estimate put a word
        # of 17 articles at 500 and walked all 100,000: bench-corpus); the matches-as-a-set
        # form was steady for rare words but cost common ones a sort of every match (19 ->
        # 113 ms p95 at 20,000 articles).
        return text("articles.search @@ to_tsquery('english', :tsq)").bindparams(
            tsq=_tsquery(query)
        )
    matched = text("SELECT rowid FROM articles_fts WHERE articles_fts MATCH :fts").bindparams(
        fts=_fts5(query)
    )
    return articles.c.pk.in_(matched.columns(literal_column("rowid")).scalar_subquery())


def snippets(conn: Connection, query: SearchQuery, pks: list[int]) -> dict[int, str]:
    """A highlighted passage of each matching article's text, by article pk."""
    if not pks:
        return {}
    if conn.dialect.name == "postgresql":
        options = f"StartSel={_OPEN},StopSel={_CLOSE},MaxWords={SNIPPET_WORDS},MinWords=8"
        rows = conn.execute(
            text(
                "SELECT pk, ts_headline('english', left(text, 100000), "
                "to_tsquery('english', :tsq), :options) FROM articles WHERE pk = ANY(:pks)"
            ),
            {"tsq": _tsquery(query), "options": options, "pks": pks},
        )
    else:
        marks = {"open": _OPEN, "close": _CLOSE, "words": SNIPPET_WORDS}
        rows = conn.execute(
            text(
                "SELECT rowid, snippet(articles_fts, 1, :open, :close, '…', :words) "
                f"FROM articles_fts WHERE articles_fts MATCH :fts AND rowid IN "
                f"({','.join(str(int(pk)) for pk in pks)})"
            ),
            {"fts": _fts5(query), **marks},
        )
    return {int(pk): marked(passage or "") for pk, passage in rows}


def marked(passage: str) -> str:
    escaped = html.escape(passage.replace(_OPEN, "\x00o").replace(_CLOSE, "\x00c"))
    return escaped.replace("\x00o", "<mark>").replace("\x00c", "</mark>")


def index(conn: Connection, pk: int, title: str | None, body: str) -> None:
    """SQLite keeps FTS5 in step by hand; PostgreSQL's column is generated."""
    if conn.dialect.name == "sqlite":
        conn.execute(
            text("INSERT INTO articles_fts(rowid, title, text) VALUES (:pk, :title, :text)"),
            {"pk": pk, "title": title or "", "text": body},
        )


def unindex(conn: Connection, pk: int, title: str | None, body: str) -> None:
    """An external-content FTS5 table forgets a row given the values it indexed."""
    if conn.dialect.name == "sqlite":
        conn.execute(
            text(
                "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
                "VALUES ('delete', :pk, :title, :text)"
            ),
            {"pk": pk, "title": title or "", "text": body},
        )


def rebuild(conn: Connection) -> None:
    """Re-read every article into FTS5 (PostgreSQL regenerates its column on its own)."""
    if conn.dialect.name == "sqlite":
        conn.execute(text("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')"))
