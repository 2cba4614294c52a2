"""The seed article, read by hand: what a careful reader finds in it, the extraction must find.

Expectations are written from the text, not dumped from the output.
"""

import re
from datetime import date
from pathlib import Path

import pytest

from services.extraction.core import Pipeline, extract, load_pipeline
from services.ingest.core import build_document
from shared.models import ArticleSubmission, Document, Extraction
from shared.settings import Settings

SEED = Path(__file__).resolve().parents[2] / "seeds" / "vostok-2022-china-russia.txt"
PUBLISHED = date(2022, 8, 17)  # not in the text: the article's era (Pelosi visited Taiwan 2 Aug)


def _document() -> Document:
    """The seed as the extraction worker receives it: built by the ingest core."""
    submission = ArticleSubmission(text=SEED.read_text(encoding="utf-8"), published_at=PUBLISHED)
    return build_document("seed", submission, Settings())


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return load_pipeline(Settings())


@pytest.fixture(scope="module")
def document() -> Document:
    return _document()


@pytest.fixture(scope="module")
def result(pipeline: Pipeline, document: Document) -> Extraction:
    return extract(pipeline, document)


def test_model_is_named(result: Extraction) -> None:
    assert "en_core_web_sm" in result.model
    assert re.search(r"\d+\.\d+\.\d+", result.model)


def test_people_are_merged_under_their_full_names(result: Extraction) -> None:
    people = {e.name: e for e in result.entities if e.type == "PERSON"}
    assert {"Xi Jinping", "Vladimir Putin"} <= set(people)
    assert {m.text for m in people["Xi Jinping"].mentions} == {"Xi Jinping", "Xi"}
    assert {m.text for m in people["Vladimir Putin"].mentions} == {"Vladimir Putin", "Putin"}
    assert people["Xi Jinping"].id == "PERSON:xi-jinping"
    assert not any(e.name in {"Xi", "Putin"} for e in result.entities)


@pytest.mark.xfail(
    reason="the CoNLL model reads the title and the name as one span and no rule splits it: the "
    "split that did was measured not to pay on CoNLL dev data (docs/extraction.md, Ablation)",
)
def test_a_title_run_into_a_name_is_not_part_of_it(result: Extraction) -> None:
    people = {e.name for e in result.entities if e.type == "PERSON"}
    assert "Nancy Pelosi" in people


def test_places_are_gpe_or_loc(result: Extraction) -> None:
    where = {e.name: e.type for e in result.entities if e.type in {"GPE", "LOC"}}
    assert {"Khabarovsk", "Taiwan", "Russia"} <= set(where)


def test_mentions_point_into_the_text(result: Extraction, document: Document) -> None:
    for entity in result.entities:
        assert entity.count == len(entity.mentions)
        assert entity.first_offset == entity.mentions[0].start
        assert 0 <= entity.salience <= 1
        assert entity.id.startswith(entity.type + ":")
        for m in entity.mentions:
            assert document.text[m.start : m.end] == m.text
            s = document.sentences[m.sentence]
            assert s.start <= m.start and m.end <= s.end
    ids = [e.id for e in result.entities]
    assert len(ids) == len(set(ids))


def test_no_numeric_types_among_entities(result: Extraction) -> None:
    excluded = {"CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY", "TIME", "DATE"}
    assert not {e.type for e in result.entities} & excluded
    assert not any(e.name.lower().startswith("the ") for e in result.entities)


def test_russia_is_among_the_most_salient(result: Extraction) -> None:
    top = [e.name for e in result.entities[:5]]
    assert "Russia" in top


def test_dates_are_normalised_against_the_publication_date(result: Extraction) -> None:
    dates = {d.text: d for d in result.dates}
    vostok = dates["30 August to 5 September"]
    assert (vostok.value, vostok.end_value, vostok.granularity) == (
        date(2022, 8, 30),
        date(2022, 9, 5),
        "day",
    )
    assert (dates["February 4"].value, dates["February 4"].granularity) == (date(2022, 2, 4), "day")
    assert dates["February 24"].value == date(2022, 2, 24)
    assert (dates["July"].value, dates["July"].granularity) == (date(2022, 7, 1), "month")
    assert (dates["2018"].value, dates["2018"].granularity) == (date(2018, 1, 1), "year")
    assert dates["earlier this month"].value == date(2022, 8, 1)
    # "Beijing 2022 Winter Olympic Games" is a name, not a date.
    assert not any(d.text == "2022" for d in result.dates)


def test_dates_point_into_the_text(result: Extraction, document: Document) -> None:
    for d in result.dates:
        assert document.text[d.start : d.end] == d.text


def test_quotes_are_attributed_to_the_ministry(result: Extraction, document: Document) -> None:
    quotes = {q.text.split()[0] + " " + q.text.split()[1]: q for q in result.quotes}
    statement = quotes["is not"]
    note = quotes["the aim"]  # "…”, reads a note": the ministry's note
    for q in (statement, note):
        assert q.speaker is not None and "Ministry of Defense" in q.speaker
        assert q.speaker_entity is not None and q.speaker_entity.startswith("ORG:")
        assert document.text[q.start : q.end] == q.text
    assert note.text.endswith("various security threats")
    assert quotes["patrol and"].speaker is None  # nobody is named for it
    # One-word scare quotes are not speech.
    assert not {"inalienable", "unlimited", "Vostok"} & {q.text for q in result.quotes}


def test_places_are_geocoded_offline(result: Extraction) -> None:
    places = {p.name: p for p in result.places}
    entity_ids = {e.id for e in result.entities}
    assert all(p.entity in entity_ids for p in result.places)
    for name, code in [
        ("Russia", "RU"),
        ("China", "CN"),
        ("Taiwan", "TW"),
        ("Ukraine", "UA"),
        ("Khabarovsk", "RU"),
        ("Moscow", "RU"),
        ("Beijing", "CN"),
        ("Siberia", "RU"),
        ("Taipei", "TW"),
    ]:
        assert places[name].country_code == code, name
        assert places[name].latitude is not None and places[name].source_id
    khabarovsk = places["Khabarovsk"]
    assert khabarovsk.latitude is not None and khabarovsk.longitude is not None
    assert abs(khabarovsk.latitude - 48.5) < 0.5 and abs(khabarovsk.longitude - 135.1) < 0.5
    assert khabarovsk.source_id == "geonames:2022890"
    assert places["Siberia"].source_id == "newsflow:siberia"  # from data/places.tsv
    assert places["United States"].country_code == "US"  # the text says "the US"


def test_keyphrases_name_the_topic(result: Extraction) -> None:
    phrases = [k.text.lower() for k in result.keyphrases]
    assert phrases and result.keyphrases[0].score == 1.0
    assert all(0 < k.score <= 1 and k.count >= 1 for k in result.keyphrases)
    assert {"maneuvers", "military exercises", "joint exercises"} & set(phrases[:5])
    assert not {"russia", "china", "beijing", "xi jinping"} & set(phrases)


def test_countries_organisations_and_groups(result: Extraction, document: Document) -> None:
    by_name = {e.name: e for e in result.entities}
    for name in ("India", "Belarus", "Tajikistan", "Ukraine", "China", "Moscow", "Beijing"):
        assert by_name[name].type == "GPE", name
    assert by_name["Siberia"].type == "LOC"
    army = by_name["People’s Liberation Army"]
    assert (army.type, army.count) == ("ORG", 2)
    assert by_name["Chinese"].type == "NORP" and by_name["Chinese"].count >= 3
    # "the Beijing 2022 Winter Olympic Games": the event, with or without its place and year.
    assert any(
        e.type == "EVENT" and e.name.endswith("Winter Olympic Games") for e in result.entities
    )
    assert any(e.type == "ORG" and "Ministry of Defense" in e.name for e in result.entities)
    # Every "Russia" in the text, "Russia’s" included (ingest may take the headline out).
    assert by_name["Russia"].count == len(re.findall(r"\bRussia(?![a-z])", document.text))
