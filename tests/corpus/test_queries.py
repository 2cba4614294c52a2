"""Search, filters, pages, entities and export on both back-ends, each checked against a count
made in Python from the same results."""

import csv
import io
import json
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from services.gateway.corpus import archive, entities, export, search, storylist
from services.gateway.corpus.cursors import CursorError
from services.gateway.corpus.fulltext import QueryError
from services.gateway.corpus.keys import entity_key, slug
from services.gateway.corpus.rows import dated_at
from shared.models import ArticleResult
from shared.models.corpus import ArticleFilters


@pytest.fixture
def loaded(engine: Engine, results: list[ArticleResult]) -> Engine:
    for result in results:
        archive.archive(engine, result)
    return engine


def newest_first(results: list[ArticleResult]) -> list[str]:
    return [r.id for r in sorted(results, key=lambda r: (dated_at(r), r.id), reverse=True)]


def ids(engine: Engine, **filters: object) -> list[str]:
    with engine.connect() as conn:
        page = search.find_articles(conn, "", ArticleFilters.model_validate(filters), limit=100)
    return [h.id for h in page.items]


def containing(results: list[ArticleResult], *words: str) -> set[str]:
    return {
        r.id for r in results if r.document and all(w in r.document.text.casefold() for w in words)
    }


def test_pages_follow_cursors_newest_first_without_gaps(
    loaded: Engine, results: list[ArticleResult]
) -> None:
    seen: list[str] = []
    cursor = None
    with loaded.connect() as conn:
        while True:
            page = search.find_articles(conn, "", ArticleFilters(), limit=2, cursor=cursor)
            seen += [h.id for h in page.items]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    assert seen == newest_first(results)


def test_a_word_a_phrase_or_and_not(loaded: Engine, results: list[ArticleResult]) -> None:
    # Words every text has or lacks are no test: pick ones in some articles only.
    assert containing(results, "flood") and containing(results, "bridge")
    assert set(ids(loaded, q="flood")) >= containing(results, "flood ")
    either = set(ids(loaded, q="flood OR bridge"))
    assert either == set(ids(loaded, q="flood")) | set(ids(loaded, q="bridge"))
    assert set(ids(loaded, q="flood -bridge")) == set(ids(loaded, q="flood")) - set(
        ids(loaded, q="bridge")
    )
    assert set(ids(loaded, q='"flood walls"')) <= set(ids(loaded, q="flood walls"))
    assert ids(loaded, q="zzzunknownword") == []


def test_snippets_are_escaped_and_marked(loaded: Engine) -> None:
    with loaded.connect() as conn:
        page = search.find_articles(conn, "", ArticleFilters(q="flood"), limit=5)
    assert page.items
    for hit in page.items:
        assert hit.snippets and "<mark>" in hit.snippets[0]
        assert "<" not in hit.snippets[0].replace("<mark>", "").replace("</mark>", "")


def test_a_search_of_only_exclusions_is_refused(loaded: Engine) -> None:
    with pytest.raises(QueryError):
        ids(loaded, q="-flood")
    with pytest.raises(CursorError), loaded.connect() as conn:
        search.find_articles(conn, "", ArticleFilters(), cursor="not-a-cursor")


def test_entity_type_place_language_and_dates(loaded: Engine, results: list[ArticleResult]) -> None:
    assert results[0].extraction is not None
    person = next(e for e in results[0].extraction.entities if e.type in ("PERSON", "ORG", "GPE"))
    key = entity_key(person.type, person.name)
    having = {
        r.id
        for r in results
        if r.extraction and any(entity_key(e.type, e.name) == key for e in r.extraction.entities)
    }
    assert set(ids(loaded, entity=key)) == having
    assert set(ids(loaded, entity=person.name)) >= having  # a bare name: any type
    typed = {
        r.id
        for r in results
        if r.extraction and any(e.type == "GPE" for e in r.extraction.entities)
    }
    assert set(ids(loaded, type="gpe")) == typed

    place = next(r.extraction.places[0] for r in results if r.extraction and r.extraction.places)
    named = {
        r.id
        for r in results
        if r.extraction
        and any(
            slug(place.name) in {slug(p.name), *(slug(m.text) for m in p.mentions)}
            for p in r.extraction.places
        )
    }
    assert set(ids(loaded, place=place.name)) == named
    if place.source_id:
        assert set(ids(loaded, place=place.source_id)) >= {
            r.id
            for r in results
            if r.extraction and any(p.source_id == place.source_id for p in r.extraction.places)
        }

    days = sorted(dated_at(r).date() for r in results)
    since, until = days[2], days[-3]
    inside = {r.id for r in results if since <= dated_at(r).date() <= until}
    assert set(ids(loaded, since=since.isoformat(), until=until.isoformat())) == inside
    assert ids(loaded, language="en") and ids(loaded, language="xx") == []


def test_top_entities_count_articles_per_day(loaded: Engine, results: list[ArticleResult]) -> None:
    expected: Counter[str] = Counter()
    for r in results:
        assert r.extraction is not None
        expected.update({entity_key(e.type, e.name) for e in r.extraction.entities})
    with loaded.connect() as conn:
        top = entities.top_entities(conn, "", None, None, None, 5)
    assert [t.articles for t in top] == sorted(expected.values(), reverse=True)[:5]
    for entity in top:
        assert entity.articles == expected[entity.key]
        assert sum(day.articles for day in entity.series) == entity.articles
    window_end = min(dated_at(r).date() for r in results) + timedelta(days=2)
    with loaded.connect() as conn:
        early = entities.top_entities(conn, "", None, None, window_end, 50)
    assert all(day.day <= window_end for e in early for day in e.series)


def test_entity_detail_and_co_mentions(loaded: Engine, results: list[ArticleResult]) -> None:
    with loaded.connect() as conn:
        top = entities.top_entities(conn, "", None, None, None, 1)[0]
        detail = entities.entity_detail(conn, "", top.key, None, None)
        assert entities.entity_detail(conn, "", "PERSON:nobody-at-all", None, None) is None
    assert detail is not None and detail.articles == top.articles
    keys = [
        {entity_key(e.type, e.name) for e in r.extraction.entities} for r in results if r.extraction
    ]
    for co in detail.co_mentioned:
        together = sum(1 for k in keys if top.key in k and co.key in k)
        assert co.articles == together
        alone = sum(1 for k in keys if co.key in k)
        assert co.pmi == pytest.approx(
            entities.pmi(together, len(keys), top.articles, alone), abs=1e-3
        )


def test_stories_hold_every_article_once(loaded: Engine, results: list[ArticleResult]) -> None:
    with loaded.connect() as conn:
        page = storylist.list_stories(conn, "", None, None, limit=100, min_size=1)
    members = [h.id for s in page.items for h in s.articles]
    assert sorted(members) == sorted(r.id for r in results)
    for story in page.items:
        assert story.first.id == story.articles[0].id
        assert story.size == len(story.articles)


def test_export_streams_the_same_selection(loaded: Engine, results: list[ArticleResult]) -> None:
    filters = ArticleFilters(q="flood OR bridge")
    lines = list(export.export_lines(loaded, "", filters, "jsonl"))
    assert [json.loads(line)["id"] for line in lines] == ids(loaded, q="flood OR bridge")
    by_id = {r.id: r for r in results}
    for line in lines:  # each line is the archived result as it was given, with its story
        record = json.loads(line)
        assert isinstance(record.pop("story"), int)
        expected = by_id[record["id"]].model_dump(mode="json", exclude={"owner", "story"})
        assert record == expected and list(record) == list(expected)
    rows = list(
        csv.reader(io.StringIO("".join(export.export_lines(loaded, "", ArticleFilters(), "csv"))))
    )
    assert rows[0][0] == "id" and len(rows) == len(results) + 1


def test_tenants_see_only_their_own(engine: Engine, results: list[ArticleResult]) -> None:
    for index, result in enumerate(results):
        archive.archive(engine, result.model_copy(update={"owner": "k_a" if index % 2 else None}))
    with engine.connect() as conn:
        mine = search.find_articles(conn, "k_a", ArticleFilters(), limit=100).items
        theirs = search.find_articles(conn, "", ArticleFilters(), limit=100).items
        assert {h.id for h in mine}.isdisjoint({h.id for h in theirs})
        assert len(mine) + len(theirs) == len(results)
        top_a = entities.top_entities(conn, "k_a", None, None, None, 100)
        assert sum(
            len(s.articles)
            for s in storylist.list_stories(conn, "k_a", None, None, 100, None, 1).items
        ) == len(mine)
    assert len(list(export.export_lines(engine, "k_a", ArticleFilters(), "jsonl"))) == len(mine)
    assert top_a and max(t.articles for t in top_a) <= len(mine)
    assert date(2000, 1, 1) < dated_at(results[0]).date()
