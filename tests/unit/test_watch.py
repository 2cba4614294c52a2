"""Watchlist matching: the semantics on hand-built and real articles, and the index agreeing with
the plain one-query-at-a-time matcher on random watchlists over real articles."""

import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from services.evaluation.results import finished
from services.extraction.core import load_pipeline
from services.gateway.corpus.keys import entity_key
from services.gateway.monitor.watch import article_view, distance_km, match_query, words
from services.gateway.monitor.watch_index import WatchIndex, cell_of, cells
from services.seeds import seed_submissions
from shared.models import (
    ArticleResult,
    ArticleSubmission,
    Document,
    Entity,
    Extraction,
    MatchedTerm,
    Mention,
    Place,
    PlaceArea,
    WatchQuery,
)
from shared.models.watchlists import entity_type_of
from shared.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "summaries-small.jsonl"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def article(
    text: str,
    title: str | None = None,
    entities: list[Entity] | None = None,
    places: list[Place] | None = None,
    source: str | None = None,
    url: str | None = None,
    language: str | None = "en",
) -> ArticleResult:
    document = Document(
        article_id="a1",
        text=text,
        title=title,
        language=language,
        source=source,
        url=url,
        content_type="text",
    )
    extraction = Extraction(model="hand", entities=entities or [], places=places or [])
    return ArticleResult(
        id="a1",
        run_id="r1",
        status="done",
        content_type="text",
        submitted_at=NOW,
        updated_at=NOW,
        document=document,
        extraction=extraction,
    )


def entity(text: str, kind: str, surface: str, name: str | None = None) -> Entity:
    start = text.index(surface)
    mention = Mention(start=start, end=start + len(surface), text=surface, sentence=0)
    name = name or surface
    return Entity(
        id=f"{kind}:{name}",
        name=name,
        type=kind,
        count=1,
        first_offset=start,
        salience=0.5,
        mentions=[mention],
    )


def place(text: str, surface: str, lat: float, lon: float) -> Place:
    start = text.index(surface)
    mention = Mention(start=start, end=start + len(surface), text=surface, sentence=0)
    return Place(name=surface, latitude=lat, longitude=lon, mentions=[mention])


def matches(query: WatchQuery, result: ArticleResult) -> list[MatchedTerm] | None:
    """Both matchers, which must agree; the plain one's answer."""
    plain = match_query(query, article_view(result))
    indexed = WatchIndex.build([("w", query)]).match(result)
    assert indexed == ({} if plain is None else {"w": plain})
    return plain


def keyword_texts(query: WatchQuery, result: ArticleResult) -> list[str]:
    found = matches(query, result) or []
    return [m.text for m in found if m.kind == "keyword"]


def assert_offsets(result: ArticleResult, found: list[MatchedTerm]) -> None:
    assert result.document is not None
    for term in found:
        if term.field is None:
            assert term.start is None and term.end is None
            continue
        source = result.document.title if term.field == "title" else result.document.text
        assert source is not None and term.start is not None
        assert source[term.start : term.end] == term.text


def test_keywords_match_whole_words_only() -> None:
    result = article("Iranian officials met Iran's envoy; IRAN said no. Irani.")
    found = keyword_texts(WatchQuery(keywords=["iran"]), result)
    assert found == ["Iran", "IRAN"]
    assert matches(WatchQuery(keywords=["Iranian officials"]), result)
    assert not matches(WatchQuery(keywords=["Iranians"]), result)
    assert not matches(WatchQuery(keywords=["ran"]), result)


def test_keywords_fold_case_the_unicode_way() -> None:
    result = article("Die STRASSE in Zürich und ΣΊΣΥΦΟΣ; the İstanbul office.")
    assert keyword_texts(WatchQuery(keywords=["Straße"]), result) == ["STRASSE"]
    assert keyword_texts(WatchQuery(keywords=["zürich"]), result) == ["Zürich"]
    assert keyword_texts(WatchQuery(keywords=["σίσυφος"]), result) == ["ΣΊΣΥΦΟΣ"]
    assert not matches(WatchQuery(keywords=["Zurich"]), result)  # accents count


def test_combining_marks_belong_to_their_word() -> None:
    result = article("हिन्दी भाषा और हिन्दीभाषी लोग")
    assert keyword_texts(WatchQuery(keywords=["हिन्दी"]), result) == ["हिन्दी"]
    assert not matches(WatchQuery(keywords=["हिन्द"]), result)


def test_chinese_names_match_inside_a_run_of_characters() -> None:
    text = "国家主席習近平表示，習近平主席将访问。"
    found = matches(WatchQuery(keywords=["習近平"]), article(text)) or []
    assert [(m.start, m.end) for m in found] == [(4, 7), (10, 13)]


def test_phrases_match_across_any_whitespace_but_not_across_punctuation() -> None:
    text = "The  uranium\nenrichment plant. Uranium, enrichment aside: COVID-19 and covid 19."
    result = article(text)
    found = keyword_texts(WatchQuery(keywords=["uranium enrichment"]), result)
    assert found == ["uranium\nenrichment"]
    assert keyword_texts(WatchQuery(keywords=["covid-19"]), result) == ["COVID-19"]
    assert keyword_texts(WatchQuery(keywords=["covid 19"]), result) == ["covid 19"]
    assert keyword_texts(WatchQuery(keywords=["(covid-19)"]), result) == ["COVID-19"]


def test_keywords_match_in_the_title_with_offsets_into_it() -> None:
    result = article("Nothing here.", title="Flood walls for Hamburg")
    found = matches(WatchQuery(keywords=["hamburg"]), result)
    assert found == [
        MatchedTerm(kind="keyword", term="hamburg", text="Hamburg", field="title", start=16, end=23)
    ]


def test_and_across_groups_or_within_them() -> None:
    text = "Jens Albrecht spoke in Hamburg about the dikes."
    result = article(
        text,
        entities=[entity(text, "PERSON", "Jens Albrecht"), entity(text, "GPE", "Hamburg")],
        source="Baltic Ledger",
    )
    assert matches(WatchQuery(entities=["PERSON:jens-albrecht", "ORG:nobody"]), result)
    assert matches(WatchQuery(entities=["PERSON:jens-albrecht"], keywords=["dikes"]), result)
    assert not matches(WatchQuery(entities=["PERSON:jens-albrecht"], keywords=["levee"]), result)
    both = WatchQuery(keywords=["dikes", "levee"], sources=["baltic ledger"], language="en")
    found = matches(both, result) or []
    assert {(m.kind, m.term) for m in found} == {
        ("keyword", "dikes"),
        ("source", "baltic ledger"),
        ("language", "en"),
    }
    assert not matches(both.model_copy(update={"language": "de"}), result)


def test_entities_match_by_canonical_key_whatever_their_surface() -> None:
    text = "Xi Jinping arrived. Later Mr Xi spoke."
    xi = entity(text, "PERSON", "Xi Jinping")
    xi.mentions.append(Mention(start=28, end=30, text="Xi", sentence=1))
    result = article(text, entities=[xi])
    for term in ("PERSON:xi-jinping", "PERSON:Xi Jinping", "person:XI JINPING", "xi jinping"):
        found = matches(WatchQuery(entities=[term]), result) or []
        assert [(m.kind, m.term, m.text) for m in found] == [
            ("entity", term, "Xi Jinping"),
            ("entity", term, "Xi"),
        ]
    assert not matches(WatchQuery(entities=["ORG:xi-jinping"]), result)
    assert not matches(WatchQuery(entities=["xi"]), result)


def test_types_narrow_entities_and_alone_mean_any_entity_of_them() -> None:
    text = "Washington met Washington in Paris."
    person = entity(text, "PERSON", "Washington")
    city = Entity.model_validate(
        {**entity(text, "GPE", "Paris").model_dump(), "name": "Washington", "id": "GPE:w"}
    )
    result = article(text, entities=[person, city])
    narrowed = matches(WatchQuery(entities=["washington"], types=["GPE"]), result) or []
    assert [(m.kind, m.text) for m in narrowed] == [("entity", "Paris")]
    alone = matches(WatchQuery(types=["PERSON"]), result) or []
    assert [(m.kind, m.term, m.text) for m in alone] == [("type", "PERSON", "Washington")]
    assert not matches(WatchQuery(types=["ORG"]), result)


def test_places_match_within_the_radius_and_not_just_outside_it() -> None:
    text = "Dikes in Altona."
    result = article(text, places=[place(text, "Altona", 53.55, 9.9333)])
    hamburg = (53.5511, 9.9937)
    away = distance_km(*hamburg, 53.55, 9.9333)
    assert 3 < away < 5
    near = PlaceArea(lat=hamburg[0], lon=hamburg[1], radius_km=away + 0.01, label="Hamburg")
    found = matches(WatchQuery(places=[near]), result)
    assert found == [
        MatchedTerm(kind="place", term="Hamburg", text="Altona", field="text", start=9, end=15)
    ]
    short = near.model_copy(update={"radius_km": away - 0.01})
    assert not matches(WatchQuery(places=[short]), result)
    far = PlaceArea(lat=-33.9, lon=151.2, radius_km=17_000)  # from Sydney: 16,300 km away
    assert matches(WatchQuery(places=[far]), result)


def test_places_across_the_antimeridian_and_near_the_poles() -> None:
    text = "Suva and Taveuni, then Longyearbyen."
    result = article(
        text,
        places=[
            place(text, "Taveuni", -16.85, -179.95),
            place(text, "Longyearbyen", 78.22, 15.65),
        ],
    )
    suva = PlaceArea(lat=-18.14, lon=178.44, radius_km=300)
    assert [m.text for m in matches(WatchQuery(places=[suva]), result) or []] == ["Taveuni"]
    arctic = PlaceArea(lat=89.0, lon=-120.0, radius_km=1500)
    assert [m.text for m in matches(WatchQuery(places=[arctic]), result) or []] == ["Longyearbyen"]


def test_every_point_inside_an_area_lies_in_one_of_its_cells() -> None:
    rng = random.Random(7)
    for _ in range(300):
        area = PlaceArea(
            lat=rng.uniform(-80, 80), lon=rng.uniform(-180, 180), radius_km=rng.uniform(1, 900)
        )
        covered = cells(area)
        if covered is None:
            continue
        index = WatchIndex.build([("w", WatchQuery(places=[area]))])
        for _ in range(30):
            lat, lon = area.lat + rng.uniform(-9, 9), area.lon + rng.uniform(-12, 12)
            lat, lon = max(-90.0, min(90.0, lat)), (lon + 180) % 360 - 180
            if distance_km(area.lat, area.lon, lat, lon) <= area.radius_km:
                assert any(area == a for _, a in index.grid.get(cell_of(lat, lon), ()))


def test_sources_match_by_name_or_host_and_its_parent_domains() -> None:
    result = article("Text.", source="Reuters", url="https://www.uk.reuters.com/world/x")
    assert matches(WatchQuery(sources=["REUTERS"]), result)
    assert matches(WatchQuery(sources=["reuters.com"]), result)
    assert matches(WatchQuery(sources=["https://uk.reuters.com"]), result)
    assert not matches(WatchQuery(sources=["ters.com"]), result)
    assert not matches(WatchQuery(sources=["bbc.co.uk"]), result)
    found = matches(WatchQuery(sources=["reuters.com"]), result)
    assert found == [MatchedTerm(kind="source", term="reuters.com", text="www.uk.reuters.com")]


def test_language_must_be_the_articles() -> None:
    assert matches(WatchQuery(language="en"), article("Text."))
    assert not matches(WatchQuery(language="en"), article("Text.", language=None))


def test_the_index_refuses_a_watchlist_twice_and_skips_the_inactive_groups() -> None:
    query = WatchQuery(keywords=["x"])
    with pytest.raises(ValueError, match="given twice"):
        WatchIndex.build([("w", query), ("w", query)])
    assert WatchIndex.build([]).match(article("x")) == {}


def test_words_keep_offsets_into_the_text() -> None:
    text = "A ﬁne Straße, 習近平!"
    for word, start, end in words(text):
        assert text[start:end].casefold() == word


# Real articles: the seeds and the small fixture set through the three real cores.


@pytest.fixture(scope="module")
def results() -> list[ArticleResult]:
    settings = Settings()
    pipeline = load_pipeline(settings)
    bodies = list(seed_submissions())
    for line in FIXTURES.read_text().splitlines():
        record = json.loads(line)
        bodies.append({"text": record["article"], "title": record["title"], "source": "BBC"})
    hosts = ["https://www.bbc.co.uk/news/1", "https://apnews.com/article/2", None]
    built = []
    for index, body in enumerate(bodies):
        submission = ArticleSubmission.model_validate(body)
        result = finished(f"art-{index}", submission, settings, pipeline)
        result.url = hosts[index % len(hosts)]
        built.append(result)
    return built


def test_real_articles_match_their_own_entities_places_and_words(
    results: list[ArticleResult],
) -> None:
    for result in results:
        assert result.extraction is not None and result.document is not None
        if not result.extraction.entities:
            continue
        first = result.extraction.entities[0]
        key = entity_key(first.type, first.name)
        found = matches(WatchQuery(entities=[key]), result) or []
        assert [m.text for m in found] == [m.text for m in first.mentions]
        assert_offsets(result, found)
        located = [p for p in result.extraction.places if p.latitude is not None]
        if located:
            here = located[0]
            assert here.latitude is not None and here.longitude is not None
            area = PlaceArea(lat=here.latitude, lon=here.longitude, radius_km=1)
            found = matches(WatchQuery(places=[area]), result) or []
            assert found and all(m.kind == "place" for m in found)
            assert_offsets(result, found)
        word = result.document.text.split()[3].strip(".,;:'\"“”‘’()")
        if word:
            assert matches(WatchQuery(keywords=[word.upper()]), result)


def _random_query(rng: random.Random, results: list[ArticleResult]) -> WatchQuery:
    """A query built from real articles' terms (and a few that match nothing)."""
    donor = rng.choice(results)
    assert donor.document is not None and donor.extraction is not None
    spans = words(donor.document.text)
    fields: dict[str, Any] = {}
    groups = rng.sample(["entities", "types", "keywords", "places", "sources", "language"], 2)
    for group in groups if rng.random() < 0.7 else groups[:1]:
        count = rng.randint(1, 3)
        if group == "entities" and donor.extraction.entities:
            picked = rng.choices(donor.extraction.entities, k=count)
            fields["entities"] = [
                entity_key(e.type, e.name) if rng.random() < 0.6 else e.name.upper() for e in picked
            ] + (["Nobody At All"] if rng.random() < 0.3 else [])
            if rng.random() < 0.3:
                fields["types"] = sorted({e.type for e in picked})
        elif group == "types":
            fields["types"] = rng.sample(["PERSON", "ORG", "GPE", "NORP", "EVENT", "LAW"], count)
        elif group == "keywords":
            terms = []
            for _ in range(count):
                at, size = rng.randrange(len(spans)), rng.randint(1, 3)
                last = spans[min(len(spans) - 1, at + size - 1)]
                text = donor.document.text[spans[at][1] : last[2]]
                terms.append(text.upper() if rng.random() < 0.3 else text)
            fields["keywords"] = terms + (["zyzzyva"] if rng.random() < 0.3 else [])
        elif group == "places":
            located = [p for p in donor.extraction.places if p.latitude is not None]
            fields["places"] = [
                {
                    "lat": max(-90.0, min(90.0, (p.latitude or 0) + rng.uniform(-3, 3))),
                    "lon": ((p.longitude or 0) + rng.uniform(-3, 3) + 180) % 360 - 180,
                    "radius_km": rng.choice([5, 50, 300, 1500, 5000, 20000]),
                }
                for p in (rng.choices(located, k=count) if located else [])
            ] or [{"lat": 0, "lon": 0, "radius_km": 100}]
        elif group == "sources":
            fields["sources"] = rng.sample(["bbc", "bbc.co.uk", "apnews.com", "co.uk", "x.org"], 2)
        else:
            fields["language"] = rng.choice(["en", "en", "de"])
    if "entities" in fields and "types" in fields:  # types narrow entities: keep theirs in
        typed = {t for t in map(entity_type_of, fields["entities"]) if t}
        fields["types"] = sorted(typed | set(fields["types"]))
    return WatchQuery.model_validate(fields)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_index_agrees_with_matching_each_watchlist_alone(
    seed: int, results: list[ArticleResult]
) -> None:
    rng = random.Random(seed)
    watchlists = [(f"w{i}", _random_query(rng, results)) for i in range(400)]
    index = WatchIndex.build(watchlists)
    matched = 0
    for result in results:
        view = article_view(result)
        plain = {}
        for watchlist, query in watchlists:
            found = match_query(query, view)
            if found is not None:
                plain[watchlist] = found
        indexed = index.match(result)
        assert indexed == plain
        for found in indexed.values():
            assert_offsets(result, found)
        matched += len(indexed)
    assert matched > 50  # the random watchlists do match: the agreement is not about nothing
