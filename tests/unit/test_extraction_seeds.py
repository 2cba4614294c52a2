"""The project's three other seed articles, read by hand: who speaks, who acts, where, when.

Every expectation below was written from the article text (seeds/), not from the output: the
people, organisations and places a careful reader lists, the dates against each article's
publication day (seeds/metadata.json, or the page's own meta), and who says each quote.
"""

from datetime import date
from functools import cache

import pytest

from services.extraction.core import Pipeline, extract, load_pipeline
from services.ingest.core import build_document
from services.seeds import seed_submissions
from shared.models import ArticleSubmission, Document, Entity, Extraction
from shared.settings import Settings

PLACE_TYPES = {"GPE", "LOC", "FAC"}


@cache
def _pipeline() -> Pipeline:
    return load_pipeline(Settings())


@cache
def _seed(source: str) -> tuple[Document, Extraction]:
    """The seed as the gateway submits it and the ingest core builds it, then extracted."""
    item = next(s for s in seed_submissions() if s["source"] == source)
    fields = {k: v for k, v in item.items() if k != "source"}
    document = build_document(source, ArticleSubmission(**fields), Settings())
    return document, extract(_pipeline(), document)


@pytest.fixture(scope="module")
def toronto() -> tuple[Document, Extraction]:
    return _seed("toronto-overnight-subway.txt")


@pytest.fixture(scope="module")
def hamburg() -> tuple[Document, Extraction]:
    return _seed("hamburg-flood-walls.html")


@pytest.fixture(scope="module")
def kenya() -> tuple[Document, Extraction]:
    return _seed("kenya-tea-auction.html")


def _by_name(result: Extraction) -> dict[str, Entity]:
    return {e.name: e for e in result.entities}


def _country(result: Extraction, entity: Entity) -> str | None:
    return next(p.country_code for p in result.places if p.entity == entity.id)


def _dates(result: Extraction) -> dict[str, tuple[date | None, str | None]]:
    return {d.text: (d.value, d.granularity) for d in result.dates}


def _speakers(result: Extraction) -> dict[str, str | None]:
    """First four words of each quote -> its speaker."""
    return {" ".join(q.text.split()[:4]): q.speaker for q in result.quotes}


@pytest.mark.parametrize(
    "source",
    ["toronto-overnight-subway.txt", "hamburg-flood-walls.html", "kenya-tea-auction.html"],
)
def test_output_points_into_the_text(source: str) -> None:
    document, result = _seed(source)
    ids = [e.id for e in result.entities]
    assert len(ids) == len(set(ids))
    for entity in result.entities:
        assert entity.id.startswith(entity.type + ":")
        assert any(c.isupper() for c in entity.name), entity.name  # no "senate"
        for m in entity.mentions:
            assert document.text[m.start : m.end] == m.text
    for q in result.quotes:
        assert document.text[q.start : q.end] == q.text


# --- Toronto: city council approves an overnight subway pilot (published 2025-03-20) ---------


def test_toronto_people(toronto: tuple[Document, Extraction]) -> None:
    _, result = toronto
    people = {e.name: e for e in result.entities if e.type == "PERSON"}
    assert {"Priya Raman", "Mark D. Ellison", "Ana Lucía Ferreira", "J. R. Alvarez"} <= set(people)
    # "Mr. Ellison" is the councillor named in full earlier.
    assert {m.text for m in people["Mark D. Ellison"].mentions} == {"Mark D. Ellison", "Ellison"}


def test_toronto_dateline_and_places(toronto: tuple[Document, Extraction]) -> None:
    document, result = toronto
    assert document.published_at == date(2025, 3, 20)
    by_name = _by_name(result)
    # The all-caps dateline "TORONTO" and "Toronto's" are one city, named as usually written.
    city = by_name["Toronto"]
    assert (city.id, city.type, city.count) == ("GPE:toronto", "GPE", 2)
    assert "TORONTO" not in by_name
    for name, code in [
        ("Toronto", "CA"),
        ("New York", "US"),
        ("Berlin", "DE"),
        ("Vienna", "AT"),
        ("London", "GB"),
    ]:
        assert by_name[name].type == "GPE", name
        assert _country(result, by_name[name]) == code, name
    assert by_name["London"].count == 2  # "London all run ...", "London's Night Tube"
    assert by_name["Europe"].type == "LOC"
    assert {p.name for p in result.places} >= {"United States"}  # "the U.S."
    # A Toronto district, not a product (its pin is another matter: see docs/extraction.md).
    assert by_name["Scarborough"].type == "GPE"
    assert by_name["Canadian"].type == "NORP"


def test_toronto_streets_and_common_words(toronto: tuple[Document, Extraction]) -> None:
    _, result = toronto
    by_name = _by_name(result)
    # Streets and a neighbourhood are not polities.
    assert by_name["Downtown Yonge"].type in {"FAC", "LOC"}
    # Capitalised because they open a sentence: "Subway trains will run", "Trains will run".
    assert not {"Subway", "Trains"} & set(by_name)


@pytest.mark.xfail(
    reason="NER model 1.1.0 reads “Yonge St. and Bloor St.” as one street and “Union Station” as "
    "an organisation (1.0.0 had both right; 1.1.0 scores higher on held-out CoNLL)",
)
def test_toronto_streets_and_station_are_facilities(toronto: tuple[Document, Extraction]) -> None:
    _, result = toronto
    by_name = _by_name(result)
    for name in ("Yonge St", "Bloor St", "Union Station"):
        assert name in by_name and by_name[name].type == "FAC", name


@pytest.mark.xfail(
    reason="the models read the bare word “Line” as a name (ORG/PER/LOC) and stop before the "
    "number; the seed-specific rule that glued them was removed (no effect on CoNLL dev data)",
)
def test_toronto_subway_lines_are_facilities(toronto: tuple[Document, Extraction]) -> None:
    _, result = toronto
    # "Line 1", "Line 2" are subway lines: facilities, never an organisation named "Line".
    assert "Line" not in _by_name(result)
    lines = [e for e in result.entities if e.name.startswith("Line ")]
    assert {e.name for e in lines} == {"Line 1", "Line 2"}
    assert all(e.type == "FAC" for e in lines)


@pytest.mark.xfail(
    reason="the group is “Night Riders TO” (TO: Toronto); both models end the name before the "
    "all-caps abbreviation",
)
def test_toronto_advocacy_group_named_in_full(toronto: tuple[Document, Extraction]) -> None:
    _, result = toronto
    assert _by_name(result)["Night Riders TO"].type == "ORG"


def test_toronto_dates(toronto: tuple[Document, Extraction]) -> None:
    _, result = toronto
    dates = _dates(result)
    assert dates["June 6"] == (date(2025, 6, 6), "day")
    assert dates["Wednesday"] == (date(2025, 3, 19), "day")  # the day before publication
    assert dates["Sept. 30"] == (date(2025, 9, 30), "day")
    assert dates["Jan."] == (date(2025, 1, 1), "month")  # "proposed the motion in Jan."


def test_toronto_quotes(toronto: tuple[Document, Extraction]) -> None:
    _, result = toronto
    speakers = _speakers(result)
    # "“…,” she told council. “This is a question of fairness …”": both Raman's.
    assert speakers["Thousands of people in"] == "Priya Raman"
    assert speakers["This is a question"] == "Priya Raman"
    assert speakers["We are promising more"] == "Mark D. Ellison"  # "Mr. Ellison said"
    first = next(q for q in result.quotes if q.text.startswith("Thousands"))
    assert "Nurses, cleaners, cooks …" in first.text  # the ellipsis stays inside the quote


# --- Hamburg: the senate approves higher flood walls (published 2024-03-14, page meta) -------


def test_hamburg_people_and_organisations(hamburg: tuple[Document, Extraction]) -> None:
    document, result = hamburg
    assert document.published_at is not None and str(document.published_at)[:10] == "2024-03-14"
    by_name = _by_name(result)
    for name in ("Jens Albrecht", "Miriam Okafor", "Thomas Brandt", "Ayşe Demir"):
        assert by_name[name].type == "PERSON", name
    for name in (
        "Hamburg Port Operators' Association",
        "Baltic Ledger",
        "Bürgerschaft",
    ):
        assert by_name[name].type == "ORG", name
    # Not entities: "Work is due to begin" opens a sentence; "the senate" is a common noun here.
    assert not {"Work", "senate"} & set(by_name)


@pytest.mark.xfail(
    reason="both models run the institute's town into its name (“... Research in Cuxhaven”); the "
    "rule that split it was written for this article and had no effect on CoNLL dev data",
)
def test_hamburg_institute_is_named_without_its_town(hamburg: tuple[Document, Extraction]) -> None:
    _, result = hamburg
    by_name = _by_name(result)
    assert by_name["North German Institute for Coastal Research"].type == "ORG"
    assert by_name["Cuxhaven"].type == "GPE"


def test_hamburg_places(hamburg: tuple[Document, Extraction]) -> None:
    _, result = hamburg
    by_name = _by_name(result)
    elbe = by_name["Elbe"]  # the river, twice
    assert (elbe.type, elbe.count) == ("LOC", 2)
    assert by_name["North Sea"].type == "LOC"
    # Quarters of Hamburg, the institute's town, and the Dutch comparison.
    for name, code in [
        ("Altona", "DE"),
        ("Wilhelmsburg", "DE"),
        ("St. Pauli", "DE"),
        ("Rotterdam", "NL"),
        ("Netherlands", "NL"),
    ]:
        assert by_name[name].type in PLACE_TYPES, name
        assert _country(result, by_name[name]) == code, name


@pytest.mark.xfail(
    strict=True,
    reason="the gazetteer rows for these two districts were written for this article and are "
    "gone (data/places.tsv); GeoNames' towns of >= 1,000 people lack them and the NER types "
    "them ORG and PRODUCT",
)
def test_hamburg_port_districts_are_places(hamburg: tuple[Document, Extraction]) -> None:
    _, result = hamburg
    by_name = _by_name(result)
    for name in ("Speicherstadt", "Waltershof"):
        assert by_name[name].type in PLACE_TYPES, name
        assert _country(result, by_name[name]) == "DE", name


@pytest.mark.xfail(
    strict=True,
    reason="“Hamburg's senate”: both models read the city as its government (ORG) and the lone "
    "ORG folds into “Hamburg Port Operators' Association” (docs/extraction.md, known misses)",
)
def test_hamburg_itself_is_a_place(hamburg: tuple[Document, Extraction]) -> None:
    _, result = hamburg
    assert _by_name(result)["Hamburg"].type == "GPE"


def test_hamburg_dates(hamburg: tuple[Document, Extraction]) -> None:
    _, result = hamburg
    dates = _dates(result)
    assert dates["Tuesday"] == (date(2024, 3, 12), "day")  # "the senate on Tuesday approved"
    assert dates["last October"] == (date(2023, 10, 1), "month")  # "two storm surges"
    assert dates["next month"] == (date(2024, 4, 1), "month")
    for year in (1962, 2028, 2050):
        assert dates[str(year)] == (date(year, 1, 1), "year")
    assert dates["the spring of 2025"] == (date(2025, 3, 1), "season")  # work is due to begin
    assert dates["the end of 2031"] == (date(2031, 1, 1), "year")  # and be finished by


def test_hamburg_quotes(hamburg: tuple[Document, Extraction]) -> None:
    _, result = hamburg
    speakers = _speakers(result)
    # "“…,” Jens Albrecht, the senator responsible for the environment, told reporters" and the
    # quote that follows him in the same paragraph.
    assert speakers["We cannot wait for"] == "Jens Albrecht"
    assert speakers["Every centimetre we add"] == "Jens Albrecht"
    # "Dr. Miriam Okafor, a coastal engineer at the … Institute …, said …": not the institute.
    assert speakers["a sensible compromise rather"] == "Miriam Okafor"


# --- Kenya: the Mombasa tea auction (published 2025-02-12, page meta) -------------------------


def test_kenya_people_and_organisations(kenya: tuple[Document, Extraction]) -> None:
    document, result = kenya
    assert document.published_at is not None and str(document.published_at)[:10] == "2025-02-12"
    by_name = _by_name(result)
    for name in ("Grace Chebet", "Peter Otieno", "Samuel K. Rotich"):
        assert by_name[name].type == "PERSON", name
    for name in (
        "East Africa Tea Brokers Association",
        "Smallholder Tea Growers Union",
        "Ministry of Agriculture",
        "Rift Valley Agricultural Research Centre",
    ):
        assert by_name[name].type == "ORG", name


def test_kenya_towns_are_places_in_kenya(kenya: tuple[Document, Extraction]) -> None:
    _, result = kenya
    by_name = _by_name(result)
    # Towns, not a person ("plantations of Kericho", "near Kericho", "Nyamira and Kisii") nor a
    # nationality ("the weekly Mombasa tea auction").
    for name in ("Kericho", "Kisii", "Mombasa", "Nyamira", "Kenya"):
        assert by_name[name].type == "GPE", name
        assert _country(result, by_name[name]) == "KE", name
    assert by_name["Kericho"].count == 2
    assert by_name["Nandi Hills"].type in PLACE_TYPES
    assert _country(result, by_name["Nandi Hills"]) == "KE"
    for name, code in [("Pakistan", "PK"), ("Egypt", "EG")]:
        assert _country(result, by_name[name]) == code, name
    assert any(p.country_code == "GB" for p in result.places)  # "the U.K."
    assert by_name["Middle East"].type == "LOC"
    assert not any(
        e.type in {"PERSON", "NORP"} and e.name in {"Kericho", "Kisii", "Mombasa"}
        for e in result.entities
    )


def test_kenya_dates(kenya: tuple[Document, Extraction]) -> None:
    _, result = kenya
    dates = _dates(result)
    assert dates["Tuesday"] == (date(2025, 2, 11), "day")  # the auction, the day before
    assert dates["last year"] == (date(2024, 1, 1), "year")
    assert dates["November"] == (date(2024, 11, 1), "month")  # the short rains failed
    assert dates["March 2019"] == (date(2019, 3, 1), "month")
    assert dates["late March"] == (date(2025, 3, 1), "month")  # the long rains ahead
    assert dates["June"] == (date(2025, 6, 1), "month")
    assert dates["Feb. 18"] == (date(2025, 2, 18), "day")  # the next auction
    assert dates["2017"] == (date(2017, 1, 1), "year")


def test_kenya_quotes(kenya: tuple[Document, Extraction]) -> None:
    _, result = kenya
    speakers = _speakers(result)
    # "“…,” said Grace Chebet, who farms two acres near Kericho. “The price is good …”"
    assert speakers["The bushes are stressed,"] == "Grace Chebet"
    assert speakers["The price is good,"] == "Grace Chebet"
    # "… was “a weather story, not a recovery story”, he said": Otieno, named just before.
    assert speakers["a weather story, not"] == "Peter Otieno"
