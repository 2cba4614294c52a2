"""The search syntax (words, "phrases", OR, -excluded) parsed once and rendered for FTS5 and for
PostgreSQL's to_tsquery: only word characters ever reach either engine."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.gateway.corpus import fulltext
from services.gateway.corpus.fulltext import Atom, QueryError, SearchQuery, parse


def test_words_phrases_or_and_exclusions() -> None:
    query = parse('oil "crude prices" OR opec -saudi -"state media"')
    assert query == SearchQuery(
        required=((Atom(("oil",)),), (Atom(("crude", "prices")), Atom(("opec",)))),
        excluded=(Atom(("saudi",)), Atom(("state", "media"))),
    )
    assert fulltext._fts5(query) == (
        '(("oil" AND ("crude prices" OR "opec")) NOT "saudi") NOT "state media"'
    )
    assert (
        fulltext._tsquery(query)
        == "oil & ((crude <-> prices) | opec) & !saudi & !(state <-> media)"
    )


def test_punctuation_and_sql_are_only_words() -> None:
    query = parse("U.S. sanctions'; DROP TABLE articles; --")
    words = [w for group in query.required for atom in group for w in atom.words]
    assert words == ["u", "s", "sanctions", "drop", "table", "articles"]


def test_a_query_needs_something_to_find_and_has_a_size_limit() -> None:
    for empty in ("", "   ", "-only", '""', "OR", "--"):
        with pytest.raises(QueryError):
            parse(empty)
    with pytest.raises(QueryError):
        parse(" ".join(f"w{i}" for i in range(fulltext.MAX_ATOMS + 1)))


def test_snippets_escape_html_around_the_marks() -> None:
    raw = f"<b>{fulltext._OPEN}Oil{fulltext._CLOSE}</b> & gas"
    assert fulltext.marked(raw) == "&lt;b&gt;<mark>Oil</mark>&lt;/b&gt; &amp; gas"


@given(st.text(max_size=200))
def test_any_text_parses_or_is_refused_and_renders_only_safe_characters(text: str) -> None:
    try:
        query = parse(text)
    except QueryError:
        return
    for rendered in (fulltext._fts5(query), fulltext._tsquery(query)):
        assert not set(rendered) & set(";'\\\x00")
