"""The watchlist models: what a query must hold, and how its terms are normalised."""

import pytest
from pydantic import ValidationError

from shared.models import (
    Alert,
    MatchedTerm,
    PlaceArea,
    Watchlist,
    WatchlistCreate,
    WatchlistPatch,
    WatchQuery,
)
from shared.models.watchlists import MAX_TERMS


def test_a_query_without_a_criterion_is_refused_with_a_clear_message() -> None:
    empties: list[dict[str, object]] = [{}, {"entities": [], "places": []}, {"language": None}]
    for empty in empties:
        with pytest.raises(ValidationError, match="at least one criterion"):
            WatchQuery.model_validate(empty)


def test_each_group_alone_is_a_query() -> None:
    for given in (
        {"entities": ["PERSON:xi-jinping"]},
        {"types": ["org"]},
        {"keywords": ["flood walls"]},
        {"places": [{"lat": 53.55, "lon": 9.99, "radius_km": 50}]},
        {"sources": ["reuters.com"]},
        {"language": "EN"},
    ):
        WatchQuery.model_validate(given)


def test_oversized_lists_and_terms_are_refused() -> None:
    with pytest.raises(ValidationError, match="at most 100 items"):
        WatchQuery(keywords=[f"word{i}" for i in range(MAX_TERMS + 1)])
    with pytest.raises(ValidationError, match="at most 200 characters"):
        WatchQuery(keywords=["x" * 201])
    with pytest.raises(ValidationError, match="at least 1 character"):
        WatchQuery(keywords=["   "])
    WatchQuery(keywords=[f"word{i}" for i in range(MAX_TERMS)])


def test_terms_that_could_never_match_a_word_are_refused() -> None:
    with pytest.raises(ValidationError, match="no letter or digit"):
        WatchQuery(keywords=["--"])
    with pytest.raises(ValidationError, match="no letter or digit"):
        WatchQuery(entities=["..."])


def test_bad_fields_are_refused() -> None:
    for bad in (
        {"keywords": ["x"], "language": "eng"},
        {"types": ["P"]},
        {"types": ["PERSON-1"]},
        {"keywords": ["x"], "unknown": 1},
        {"places": [{"lat": 91, "lon": 0, "radius_km": 1}]},
        {"places": [{"lat": 0, "lon": 0, "radius_km": 0}]},
        {"places": [{"lat": 0, "lon": 0, "radius_km": 20_001}]},
        {"places": [{"lat": 0, "lon": 0, "radius_km": 5, "extra": True}]},
    ):
        with pytest.raises(ValidationError):
            WatchQuery.model_validate(bad)


def test_a_typed_entity_outside_the_types_is_a_contradiction() -> None:
    with pytest.raises(ValidationError, match="'PERSON:xi-jinping' is a PERSON"):
        WatchQuery(entities=["PERSON:xi-jinping"], types=["ORG", "GPE"])
    WatchQuery(entities=["PERSON:xi-jinping", "Beijing"], types=["person", "GPE"])


def test_terms_are_normalised_and_deduplicated() -> None:
    query = WatchQuery(
        types=["org", "ORG"],
        sources=["https://www.Reuters.com/world/", "reuters.com", " BBC News "],
        keywords=["Zu\u0308rich", "Z\u00fcrich"],
        language="DE",
    )
    assert query.types == ["ORG"]
    assert query.sources == ["reuters.com", "bbc news"]
    assert query.keywords == ["Z\u00fcrich"]
    assert query.language == "de"


def test_place_terms_name_the_area() -> None:
    assert PlaceArea(lat=1, lon=2, radius_km=30, label="Home").term() == "Home"
    assert PlaceArea(lat=53.55, lon=9.99, radius_km=25).term() == "53.5500,9.9900 within 25 km"


def test_watchlist_models_round_trip_and_keep_the_owner_out() -> None:
    create = WatchlistCreate.model_validate(
        {"name": " Iran ", "query": {"keywords": ["Natanz"]}, "webhook_url": "https://h.test/x"}
    )
    assert create.name == "Iran" and create.active
    with pytest.raises(ValidationError):
        WatchlistCreate.model_validate({"name": "", "query": {"keywords": ["x"]}})
    with pytest.raises(ValidationError):
        WatchlistCreate.model_validate({"name": "x", "query": {"keywords": ["x"]}, "owner": "o"})
    assert WatchlistPatch.model_validate({}).model_dump(exclude_unset=True) == {}
    assert "owner" not in Watchlist.model_json_schema()["properties"]
    alert = Alert(
        id="a1",
        watchlist_id="w1",
        article_id="art",
        run_id="run",
        title=None,
        summary="",
        matched=[MatchedTerm(kind="source", term="bbc", text="BBC")],
        created_at="2026-01-01T00:00:00Z",
    )
    assert Alert.model_validate_json(alert.model_dump_json()) == alert
