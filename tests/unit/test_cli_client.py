"""The client's retry policy and error mapping, on httpx's mock transport (a pure unit: what the
client does with each answer; the CLI end to end is tests/integration/test_cli.py)."""

import httpx
import pytest

from services.cli.client import MAX_RETRY_AFTER_SECONDS, NewsflowClient, Refused, Unreachable

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
