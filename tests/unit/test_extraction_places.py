"""Toponyms and geocoding on small hand-written texts, with the real gazetteer.

Entities are written by hand (what a good NER gives for these sentences) so that these tests
check the places step alone: which spans are toponyms, and which place each one means.
"""

import math

import pytest

from services.extraction.gazetteer import Gazetteer, key
from services.extraction.places import geocode
from shared.models import Entity, Mention, Place


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def _entities(text: str, *names: tuple[str, str]) -> list[Entity]:
    """One entity per (name, type), with every occurrence of the name outside an earlier
    entity's mentions ("Ohio" inside "Ohio Department of ..." is not an "Ohio" mention)."""
    entities: list[Entity] = []
    taken: set[int] = set()
    for name, kind in names:
        mentions = []
        at = text.find(name)
        while at >= 0:
            if not taken & set(range(at, at + len(name))):
                mentions.append(Mention(start=at, end=at + len(name), text=name, sentence=0))
                taken |= set(range(at, at + len(name)))
            at = text.find(name, at + len(name))
        entities.append(
            Entity(
                id=f"{kind}:{key(name).replace(' ', '-')}",
                name=name,
                type=kind,
                count=len(mentions),
                first_offset=mentions[0].start,
                salience=0.5,
                mentions=mentions,
            )
        )
    return entities


def _km(place: Place, lat: float, lon: float) -> float:
    assert place.latitude is not None and place.longitude is not None
    p1, p2 = math.radians(place.latitude), math.radians(lat)
    dl = math.radians(lon - place.longitude)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371 * math.acos(max(-1.0, min(1.0, c)))


def _by_name(places: list[Place]) -> dict[str, Place]:
    return {p.name: p for p in places}


def test_a_town_is_read_in_the_region_the_article_names(gazetteer: Gazetteer) -> None:
    text = "A man from Paris was arrested in Henry County, Tennessee, on Friday."
    places = _by_name(
        geocode(
            _entities(text, ("Paris", "GPE"), ("Henry County", "GPE"), ("Tennessee", "GPE")),
            gazetteer,
            text,
        )
    )
    assert places["Paris"].country_code == "US"  # not France: the story is in Tennessee
    assert _km(places["Paris"], 36.30, -88.33) < 50  # Paris, Tennessee
    assert places["Henry County"].feature == "admin2"
    assert _km(places["Henry County"], 36.33, -88.30) < 60
    assert places["Tennessee"].feature == "admin1"


def test_a_qualifying_state_after_a_comma_decides(gazetteer: Gazetteer) -> None:
    text = "She drove him to Monroeville, Ala. before dawn."
    places = geocode(_entities(text, ("Monroeville", "GPE"), ("Ala", "GPE")), gazetteer, text)
    town = _by_name(places)["Monroeville"]
    assert town.country_code == "US"
    assert _km(town, 31.53, -87.32) < 50  # Monroeville, Alabama, not Pennsylvania's
    state = _by_name(places)["Alabama"]
    assert [m.text for m in state.mentions] == ["Ala."]  # the abbreviation keeps its period


def test_georgia_is_the_country_beside_tbilisi_and_the_state_beside_atlanta(
    gazetteer: Gazetteer,
) -> None:
    text = "Troops left Tbilisi as Georgia counted its losses."
    country = _by_name(
        geocode(_entities(text, ("Tbilisi", "GPE"), ("Georgia", "GPE")), gazetteer, text)
    )
    assert country["Georgia"].country_code == "GE"
    text = "Atlanta is the largest city in Georgia."
    state = _by_name(
        geocode(_entities(text, ("Atlanta", "GPE"), ("Georgia", "GPE")), gazetteer, text)
    )
    assert state["Georgia"].country_code == "US" and state["Georgia"].feature == "admin1"


def test_one_place_for_every_name_of_a_country(gazetteer: Gazetteer) -> None:
    text = "The U.S. said on Monday that the United States would send Russian envoys home."
    entities = _entities(text, ("U.S", "GPE"), ("United States", "GPE"), ("Russian", "NORP"))
    places = geocode(entities, gazetteer, text)
    us = [p for p in places if p.country_code == "US"]
    assert len(us) == 1
    assert [m.text for m in us[0].mentions] == ["U.S.", "United States"]
    assert us[0].entity == "GPE:u-s"
    russia = _by_name(places)["Russia"]
    assert russia.entity == "NORP:russian" and [m.text for m in russia.mentions] == ["Russian"]


def test_a_country_is_pinned_at_its_centre_not_its_capital(gazetteer: Gazetteer) -> None:
    text = "Russia and Canada signed the accord."
    places = _by_name(
        geocode(_entities(text, ("Russia", "GPE"), ("Canada", "GPE")), gazetteer, text)
    )
    assert _km(places["Russia"], 55.75, 37.62) > 1000  # Moscow is at the western edge
    assert _km(places["Canada"], 45.42, -75.70) > 1000  # so is Ottawa


def test_a_us_state_is_a_region_with_a_pin_inside_it(gazetteer: Gazetteer) -> None:
    text = "Drought spread across Kansas."
    kansas = _by_name(geocode(_entities(text, ("Kansas", "GPE")), gazetteer, text))["Kansas"]
    assert kansas.feature == "admin1" and kansas.country_code == "US"
    assert kansas.latitude is not None and kansas.longitude is not None
    assert 37 < kansas.latitude < 40 and -102 < kansas.longitude < -94.6  # Kansas's borders


def test_a_place_opening_an_institutions_name_is_a_toponym(gazetteer: Gazetteer) -> None:
    text = "The Ohio Department of Transportation closed a road near Columbus, Ohio."
    entities = _entities(
        text, ("Ohio Department of Transportation", "ORG"), ("Columbus", "GPE"), ("Ohio", "GPE")
    )
    places = geocode(entities, gazetteer, text)
    ohio = _by_name(places)["Ohio"]
    assert [(m.start, m.end) for m in ohio.mentions] == [
        (4, 8),
        (text.rindex("Ohio"), len(text) - 1),
    ]
    assert _km(_by_name(places)["Columbus"], 39.96, -83.0) < 30  # Ohio's, not Georgia's


def test_a_street_named_after_a_place_stays_a_street(gazetteer: Gazetteer) -> None:
    text = "The crash happened on Washington Drive in Dayton, Ohio."
    entities = _entities(text, ("Washington Drive", "FAC"), ("Dayton", "GPE"), ("Ohio", "GPE"))
    names = [m.text for p in geocode(entities, gazetteer, text) for m in p.mentions]
    assert "Washington Drive" in names and "Washington" not in names


def test_a_district_missing_from_the_gazetteer_gets_no_pin_abroad(gazetteer: Gazetteer) -> None:
    text = "Police in Toronto, Ontario, said the fire in Scarborough began at night."
    entities = _entities(text, ("Toronto", "GPE"), ("Ontario", "GPE"), ("Scarborough", "GPE"))
    places = geocode(entities, gazetteer, text)
    assert "CA" in {p.country_code for p in places}
    # Not the English seaside town: no pin (or the Toronto district, were it in the gazetteer).
    assert not any(p.country_code == "GB" for p in places)


def test_rule_groups_can_be_switched_off(gazetteer: Gazetteer) -> None:
    text = "Russian officials met Ohio Department of Transportation engineers in Ohio."
    entities = _entities(
        text, ("Russian", "NORP"), ("Ohio Department of Transportation", "ORG"), ("Ohio", "GPE")
    )
    on = [m.text for p in geocode(entities, gazetteer, text) for m in p.mentions]
    assert on.count("Ohio") == 2 and "Russian" in on
    off = geocode(entities, gazetteer, text, frozenset({"places.demonyms", "places.embedded"}))
    assert [m.text for p in off for m in p.mentions] == ["Ohio"]


def test_gazetteer_tables_for_the_ner_rules(gazetteer: Gazetteer) -> None:
    assert gazetteer.place_type("Georgia") == "GPE"
    assert gazetteer.place_type("Siberia") == "LOC"
    assert gazetteer.place_type("Cottonport") is None  # a small town: too many namesakes
    assert gazetteer.canonical("TORONTO") == "Toronto"
    assert gazetteer.canonical("UK") is None  # known, under another name
    uk = gazetteer.lookup("UK")
    assert uk is not None and uk.country_code == "GB"
    assert gazetteer.abbreviation("W.Va.") is not None and gazetteer.abbreviation("Miss") is None


def test_a_town_opening_a_local_body_is_a_toponym_without_other_places(
    gazetteer: Gazetteer,
) -> None:
    text = "Athens Mayor Randy Daniel spoke to the Athens Police Department on Monday."
    entities = _entities(
        text, ("Athens Mayor Randy Daniel", "PERSON"), ("Athens Police Department", "ORG")
    )
    spans = [(m.start, m.end) for p in geocode(entities, gazetteer, text) for m in p.mentions]
    assert sorted(spans) == [(0, 6), (39, 45)]
    off = geocode(entities, gazetteer, text, frozenset({"places.civic"}))
    assert off == []


def test_each_name_of_a_county_list_is_that_county(gazetteer: Gazetteer) -> None:
    text = "Girls from Cooke, Grayson and Love counties will compete in Texas."
    entities = _entities(text, ("Grayson", "PERSON"), ("Texas", "GPE"))
    places = geocode(entities, gazetteer, text)
    counties = {p.name: p for p in places if p.feature == "admin2"}
    assert set(counties) == {"Cooke County", "Grayson County", "Love County"}
    assert [m.text for m in counties["Grayson County"].mentions] == ["Grayson"]
    assert _km(counties["Cooke County"], 33.64, -97.21) < 60  # Texas's, by the list's state
    off = geocode(entities, gazetteer, text, frozenset({"places.counties"}))
    assert not any(p.feature == "admin2" for p in off)


def test_a_whole_person_name_that_is_a_town_is_not_its_own_surname(
    gazetteer: Gazetteer,
) -> None:
    text = "Finalists were Surprise, Ariz., and Sioux Falls, S.D. Sioux Falls won."
    entities = _entities(
        text, ("Surprise", "GPE"), ("Ariz.", "GPE"), ("Sioux Falls", "PERSON"), ("S.D.", "GPE")
    )
    names = [m.text for p in geocode(entities, gazetteer, text) for m in p.mentions]
    assert names.count("Sioux Falls") == 2


def test_town_cues_and_state_abbreviations_without_entities(gazetteer: Gazetteer) -> None:
    text = "Hanover police said the chase began in Kansas City, Kan., before noon."
    entities = _entities(text, ("Kansas City", "GPE"))
    names = {m.text for p in geocode(entities, gazetteer, text) for m in p.mentions}
    assert {"Hanover", "Kansas City", "Kan."} <= names
    off = geocode(entities, gazetteer, text, frozenset({"places.patterns"}))
    assert {m.text for p in off for m in p.mentions} == {"Kansas City"}


def test_a_town_after_a_residents_name_and_of_is_a_toponym(gazetteer: Gazetteer) -> None:
    text = "Firefighters from Dallas, Texas, were joined by Jane Roe of Grand Prairie on Monday."
    entities = _entities(text, ("Dallas", "GPE"), ("Texas", "GPE"), ("Jane Roe", "PERSON"))
    places = _by_name(geocode(entities, gazetteer, text))
    assert _km(places["Grand Prairie"], 32.75, -97.0) < 30  # Texas's, with no entity for it
    off = geocode(entities, gazetteer, text, frozenset({"places.untyped"}))
    assert "Grand Prairie" not in _by_name(off)


def test_a_state_opening_a_highway_agencys_name_is_a_toponym(gazetteer: Gazetteer) -> None:
    text = "The Florida Highway Patrol closed Main Street Bridge near Tampa."
    entities = _entities(
        text, ("Florida Highway Patrol", "ORG"), ("Main Street Bridge", "FAC"), ("Tampa", "GPE")
    )
    names = {m.text for p in geocode(entities, gazetteer, text) for m in p.mentions}
    assert "Florida" in names
    assert "Main Street Bridge" in names and "Main" not in names  # a street word stays a street


def test_a_place_after_metro_or_downtown_opens_the_name(gazetteer: Gazetteer) -> None:
    text = "Metro Nashville Police and the Downtown Cleveland Alliance met in Ohio."
    entities = _entities(
        text,
        ("Metro Nashville Police", "ORG"),
        ("Downtown Cleveland Alliance", "ORG"),
        ("Ohio", "GPE"),
    )
    names = {m.text for p in geocode(entities, gazetteer, text) for m in p.mentions}
    assert {"Nashville", "Cleveland"} <= names


def test_an_all_caps_dateline_with_state_and_agency_is_a_toponym(gazetteer: Gazetteer) -> None:
    text = "CARTHAGE, N.C. (AP) - Investigators searched a home on Monday."
    names = {m.text for p in geocode([], gazetteer, text) for m in p.mentions}
    assert "CARTHAGE" in names
    plain = "CARTHAGE was quiet on Monday."  # no dash after it: not a dateline
    assert not geocode([], gazetteer, plain)


def test_a_legislators_home_town_after_the_party_letter(gazetteer: Gazetteer) -> None:
    text = "In South Carolina, Rep. Jane Roe, D-Charleston, backed the bill."
    entities = _entities(text, ("South Carolina", "GPE"), ("Jane Roe", "PERSON"))
    places = _by_name(geocode(entities, gazetteer, text))
    assert _km(places["Charleston"], 32.78, -79.93) < 30  # South Carolina's, not West Virginia's
    off = geocode(entities, gazetteer, text, frozenset({"places.patterns"}))
    assert "Charleston" not in _by_name(off)


def test_a_month_after_in_is_a_date_not_a_town(gazetteer: Gazetteer) -> None:
    text = "Oxford, England, and Cambridge reported the figures in March."
    entities = _entities(text, ("Oxford", "GPE"), ("England", "GPE"), ("Cambridge", "GPE"))
    names = {m.text for p in geocode(entities, gazetteer, text) for m in p.mentions}
    assert "Oxford" in names and "March" not in names


def test_a_building_is_not_a_toponym_but_the_town_in_its_name_is(gazetteer: Gazetteer) -> None:
    text = "Doctors at Hartford Hospital in Connecticut met White House staff."
    entities = _entities(
        text, ("Hartford Hospital", "FAC"), ("Connecticut", "GPE"), ("White House", "LOC")
    )
    names = {m.text for p in geocode(entities, gazetteer, text) for m in p.mentions}
    assert "Hartford" in names and "Connecticut" in names
    assert not {"Hartford Hospital", "White House"} & names
    off = geocode(entities, gazetteer, text, frozenset({"places.buildings"}))
    assert "White House" in {m.text for p in off for m in p.mentions}
