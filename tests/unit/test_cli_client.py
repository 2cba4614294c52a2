"""The client's retry policy and error mapping, on httpx's mock transport (a pure unit: what the
client does with each answer; the CLI end to end is tests/integration/test_cli.py)."""

import json

import httpx
import pytest

from services.cli.client import MAX_RETRY_AFTER_SECONDS, NewsflowClient, Refused, Unreachable
from shared.models.sources import SourceCreate, SourcePatch
from shared.models.watchlists import WatchlistCreate

PROBLEM = {"type": "about:blank", "title": "Too many requests", "status": 429}


def client(answers: list[httpx.Response], slept: list[float]) -> NewsflowClient:
    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop(0)

    return NewsflowClient(
        "http://gateway.test", retries=2, sleep=slept.append, transport=httpx.MockTransport(handler)
    )


def accepted() -> httpx.Response:
    return httpx.Response(
        202, json={"id": "a_1", "status": "queued", "duplicate": False, "links": {}}
    )


def test_429_and_503_are_retried_after_what_retry_after_says() -> None:
    slept: list[float] = []
    answers = [
        httpx.Response(429, json=PROBLEM, headers={"Retry-After": "2"}),
        httpx.Response(503, json=PROBLEM, headers={"Retry-After": "1"}),
        accepted(),
    ]
    assert client(answers, slept).submit({"text": "x"}).id == "a_1"
    assert slept == [2.0, 1.0]


def test_retries_stop_and_the_problem_is_raised() -> None:
    slept: list[float] = []
    limited = [httpx.Response(429, json=PROBLEM, headers={"Retry-After": "1"}) for _ in range(3)]
    with pytest.raises(Refused) as refused:
        client(limited, slept).submit({"text": "x"})
    assert refused.value.status == 429 and len(slept) == 2
    too_long = str(MAX_RETRY_AFTER_SECONDS + 1)
    with pytest.raises(Refused):  # a wait longer than the cap is not slept through
        client(
            [httpx.Response(503, json=PROBLEM, headers={"Retry-After": too_long})], slept
        ).submit({})
    assert len(slept) == 2


def test_a_problem_names_the_field_and_a_dead_gateway_is_unreachable() -> None:
    problem = {
        "title": "Invalid request",
        "status": 422,
        "errors": [{"field": "body.text", "reason": "too short"}],
    }
    with pytest.raises(Refused, match=r"body\.text: too short"):
        client([httpx.Response(422, json=problem)], []).submit({"text": ""})

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    dead = NewsflowClient("http://gateway.test", transport=httpx.MockTransport(down))
    with pytest.raises(Unreachable):
        dead.article("a_1")


NOW = "2026-11-30T12:00:00Z"
SOURCE = {
    "id": "src_1",
    "url": "https://feeds.example.com/world.xml",
    "interval_seconds": 900,
    "tags": ["world"],
    "active": True,
    "created_at": NOW,
    "updated_at": NOW,
    "health": {"last_status": "ok", "items_last_poll": 3},
}


def recording(answers: list[httpx.Response], seen: list[httpx.Request]) -> NewsflowClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers.pop(0)

    return NewsflowClient(
        "http://gateway.test",
        retries=1,
        sleep=lambda _: None,
        transport=httpx.MockTransport(handler),
    )


def test_source_methods_send_what_was_given_and_return_models() -> None:
    seen: list[httpx.Request] = []
    paused = {**SOURCE, "active": False}
    item = {
        "guid": "g1",
        "url": "https://example.com/a",
        "article_id": "a_1",
        "first_seen_at": NOW,
        "last_seen_at": NOW,
        "runs": 1,
    }
    answers = [
        httpx.Response(201, json=SOURCE),
        httpx.Response(200, json=paused),
        httpx.Response(202, json=SOURCE),
        httpx.Response(200, json=[item]),
        httpx.Response(200, json=[SOURCE]),
        httpx.Response(204),
    ]
    client = recording(answers, seen)
    spec = SourceCreate.model_validate({"url": SOURCE["url"], "tags": ["world"]})
    assert client.add_source(spec).health.items_last_poll == 3
    assert client.change_source("src_1", SourcePatch(active=False)).active is False
    assert client.poll_source("src_1").id == "src_1"
    assert client.source_items("src_1", limit=5)[0].article_id == "a_1"
    assert client.sources(tag="world")[0].tags == ["world"]
    client.remove_source("src/../1")
    # Only the fields given are sent: a patch of `active` changes nothing else.
    assert json.loads(seen[0].content) == {"url": SOURCE["url"], "tags": ["world"]}
    assert json.loads(seen[1].content) == {"active": False}
    assert [(r.method, r.url.raw_path.decode()) for r in seen] == [
        ("POST", "/sources"),
        ("PATCH", "/sources/src_1"),
        ("POST", "/sources/src_1/poll"),
        ("GET", "/sources/src_1/items?limit=5"),
        ("GET", "/sources?tag=world"),
        ("DELETE", "/sources/src%2F..%2F1"),  # an id is one path segment, whatever it holds
    ]


def test_watchlist_and_alert_methods() -> None:
    seen: list[httpx.Request] = []
    watchlist = {
        "id": "w_1",
        "name": "ports",
        "query": {"keywords": ["Gdansk"]},
        "active": True,
        "created_at": NOW,
        "updated_at": NOW,
    }
    alert = {
        "id": "al_1",
        "watchlist_id": "w_1",
        "article_id": "a_1",
        "run_id": "r_1",
        "title": "Gdansk reopens",
        "summary": "The port of Gdansk reopened.",
        "matched": [
            {
                "kind": "keyword",
                "term": "Gdansk",
                "text": "Gdansk",
                "field": "title",
                "start": 0,
                "end": 6,
            }
        ],
        "created_at": NOW,
    }
    answers = [
        httpx.Response(201, json=watchlist),
        httpx.Response(200, json=[watchlist]),
        httpx.Response(429, json=PROBLEM, headers={"Retry-After": "0"}),
        httpx.Response(200, json={"items": [alert], "next_cursor": "c2"}),
    ]
    client = recording(answers, seen)
    spec = WatchlistCreate.model_validate({"name": "ports", "query": {"keywords": ["Gdansk"]}})
    assert client.add_watchlist(spec).query.keywords == ["Gdansk"]
    assert client.watchlists()[0].id == "w_1"
    page = client.alerts(watchlist="w_1", since="2026-11-30T11:00:00+00:00", limit=5)
    assert page.items[0].matched[0].end == 6 and page.next_cursor == "c2"
    assert json.loads(seen[0].content) == {"name": "ports", "query": {"keywords": ["Gdansk"]}}
    assert seen[-1].url.params == httpx.QueryParams(
        {"watchlist": "w_1", "since": "2026-11-30T11:00:00+00:00", "limit": "5"}
    )
    assert len(seen) == 4  # the 429 was retried


def test_a_refused_source_names_the_field() -> None:
    problem = {
        "title": "Already followed",
        "status": 409,
        "errors": [{"field": "body.url", "reason": "already followed as src_1"}],
    }
    client = recording([httpx.Response(409, json=problem)], [])
    with pytest.raises(Refused, match=r"body\.url: already followed as src_1") as refused:
        client.add_source(SourceCreate.model_validate({"url": SOURCE["url"]}))
    assert refused.value.status == 409


def test_a_batch_none_of_whose_items_was_accepted_is_an_answer_not_an_error() -> None:
    rejected = {
        "index": 0,
        "error": {
            "title": "Invalid article",
            "status": 422,
            "errors": [{"field": "0.text", "reason": "too short"}],
        },
    }
    answer = {"accepted": 0, "rejected": 1, "items": [rejected]}
    result = client([httpx.Response(422, json=answer)], []).submit_batch([{"text": ""}])
    assert result.rejected == 1 and result.items[0].index == 0
    invalid = {
        "title": "Invalid batch",
        "status": 422,
        "errors": [{"field": "body", "reason": "x"}],
    }
    with pytest.raises(Refused):  # the batch itself refused: a problem, raised
        client([httpx.Response(422, json=invalid)], []).submit_batch([])
