"""The monitoring commands' pure parts: options parsed and named, alerts' matches highlighted,
and --follow showing each alert once, oldest first (end to end: tests/integration/
test_cli_monitor.py)."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pydantic import ValidationError

from services.cli.alerts import MARK, follow, highlighted, summary_spans, title_spans, unseen
from services.cli.client import NewsflowClient
from services.cli.sources import usage_errors, when
from services.cli.watchlists import OPTIONS, place_area, query_terms
from shared.models.watchlists import Alert, MatchedTerm, WatchlistCreate, WatchQuery

T0 = datetime(2026, 11, 30, 12, tzinfo=UTC)


def alert(n: int, matched: list[MatchedTerm] | None = None) -> Alert:
    return Alert(
        id=f"al_{n}",
        watchlist_id="w_1",
        article_id=f"a_{n}",
        run_id="r",
        title="Gdansk port reopens",
        summary="The port of GDANSK reopened; Gdansker trade resumes.",
        matched=matched or [],
        created_at=T0 + timedelta(seconds=n),
    )


def test_a_place_option_and_errors_named_by_their_options() -> None:
    assert place_area("52.2, 21.0, 50, Warsaw, Poland") == {
        "lat": "52.2",
        "lon": "21.0",
        "radius_km": "50",
        "label": "Warsaw, Poland",
    }
    with pytest.raises(ValueError, match="LAT,LON,RADIUS_KM"):
        place_area("52.2,21.0")
    with pytest.raises(ValidationError) as bad:
        WatchlistCreate.model_validate(
            {"name": "x", "query": {"keywords": ["--"], "places": [place_area("95,0,10")]}}
        )
    named = usage_errors(bad.value, OPTIONS)
    assert "--keyword:" in named and "--place:" in named


def test_query_terms_and_relative_times() -> None:
    query = WatchQuery(keywords=["Gdansk", "Gdynia"], types=["ORG"], language="pl")
    assert query_terms(query) == "type: ORG; keyword: Gdansk | Gdynia; language: pl"
    assert when(T0 - timedelta(seconds=30), T0) == "30 s ago"
    assert when(T0 + timedelta(minutes=15), T0) == "in 15 min"
    assert when(None, T0) == "-"


def test_matches_are_highlighted_in_the_title_and_found_again_in_the_summary() -> None:
    term = MatchedTerm(kind="keyword", term="gdansk", text="Gdansk", field="title", start=0, end=6)
    source = MatchedTerm(kind="source", term="example.com", text="example.com")
    shown = alert(1, [term, source])
    title = highlighted(shown.title or "", title_spans(shown.matched))
    assert [(s.start, s.end, s.style) for s in title.spans] == [(0, 6, MARK)]
    # Whole words, any case: "GDANSK" is marked, "Gdansker" is not; a host is not searched for.
    assert summary_spans(shown.summary, shown.matched) == [(12, 18)]
    assert highlighted("abc", [(2, 9)]).spans == []  # a span past the text is ignored


def test_follow_shows_each_alert_once_oldest_first() -> None:
    polls = [[alert(2), alert(1)], [alert(3), alert(2)], [alert(3)]]
    asked: list[httpx.QueryParams] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.params)
        items = [a.model_dump(mode="json") for a in polls.pop(0)]
        return httpx.Response(200, json={"items": items, "next_cursor": None})

    shown: list[str] = []

    def sleep(_: float) -> None:
        if not polls:
            raise KeyboardInterrupt

    client = NewsflowClient("http://gateway.test", transport=httpx.MockTransport(handler))
    with pytest.raises(KeyboardInterrupt):
        follow(client, "w_1", None, lambda a: shown.append(a.id), 0.0, sleep)
    assert shown == ["al_1", "al_2", "al_3"]
    assert "since" not in asked[0] and asked[1]["since"] == (T0 + timedelta(seconds=2)).isoformat()
    assert unseen([[alert(5), alert(4)], [alert(3)]], {"al_4"}) == [alert(5)]
