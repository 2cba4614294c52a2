"""``/docs`` and ``/redoc`` work offline, and what they show is true: their every asset is served
by the gateway itself, the documented examples are accepted, every error is documented as the
problem+json the server really writes, and the answers that fuzzing (tests/unit/
test_gateway_schema.py) rarely reaches, 401, 404, 413, 415, 429 and 503, are provoked here and
held to the document by the same schemathesis checks."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import schemathesis.checks
from fastapi.testclient import TestClient
from redis import Redis

from services.gateway.app import create_app
from services.gateway.corpus.database import connect, upgrade
from services.gateway.problems import PROBLEM_JSON, problem_body
from shared.models import ProblemDetails
from shared.settings import Settings
from tests.conftest import RedisServer

_DB = 13  # a database of the session's Redis no other test uses
# What the page references: <link href>, <script src>, <redoc spec-url>, Swagger UI's url: '...'.
_REFERENCE = re.compile(r"""(?:href|src|spec-url)="([^"]+)"|\burl: '([^']+)'""")
_KINDS = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".json": "application/json",
}
# The one error that is not a problem by design: a readiness report saying what is missing.
_NOT_PROBLEMS = {("/readyz", "get", "503")}
_PROBLEM_SCHEMA = {"$ref": "#/components/schemas/ProblemDetails"}


@pytest.fixture(scope="module")
def client(
    redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    Redis(port=redis_server.port, db=_DB).flushdb()
    archive = f"sqlite:///{tmp_path_factory.mktemp('archive') / 'archive.db'}"
    upgrade(connect(archive))
    app = create_app(
        Settings(redis_url=f"redis://127.0.0.1:{redis_server.port}/{_DB}", database_url=archive)
    )
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def references(html: str) -> list[str]:
    return [href or url for href, url in _REFERENCE.findall(html)]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_page_needs_nothing_from_outside(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", response.text), response.text
    found = references(response.text)
    assert "/openapi.json" in found
    assert any(ref.endswith(".js") for ref in found), found
    for ref in found:
        asset = client.get(ref)
        assert asset.status_code == 200, ref
        kind = next(k for suffix, k in _KINDS.items() if ref.endswith(suffix))
        assert asset.headers["content-type"].startswith(kind), (ref, asset.headers)
        assert asset.content, ref


def test_default_422_is_the_problem_schema(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    assert "HTTPValidationError" not in str(document["paths"])
    assert set(schemas["ProblemDetails"]["required"]) == {"title", "status"}


def _responses(document: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                yield path, method, status, response


def test_every_error_is_documented_as_problem_json(document: dict[str, Any]) -> None:
    errors = [r for r in _responses(document) if int(r[2]) >= 400 and r[:3] not in _NOT_PROBLEMS]
    assert errors
    for path, method, status, response in errors:
        content = response.get("content", {})
        assert content[PROBLEM_JSON]["schema"] == _PROBLEM_SCHEMA, (path, method, status)
        example = ProblemDetails.model_validate(content[PROBLEM_JSON]["example"])
        assert example.status == int(status), (path, method, status)
        if status in ("429", "503"):
            assert response["headers"]["Retry-After"]["required"], (path, method, status)


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/articles", "post", {"200", "202", "400", "401", "413", "415", "422", "429", "503"}),
        ("/articles/batch", "post", {"202", "400", "401", "413", "415", "422", "429", "503"}),
        ("/articles/{article_id}", "get", {"200", "401", "404", "503"}),
        ("/articles/{article_id}", "delete", {"204", "401", "404", "503"}),
        ("/articles", "get", {"200", "401", "422", "429", "503"}),
        ("/stories/{story_id}", "get", {"200", "401", "404", "422", "429", "503"}),
        ("/readyz", "get", {"200", "503"}),
    ],
)
def test_operations_document_the_answers_they_give(
    document: dict[str, Any], path: str, method: str, statuses: set[str]
) -> None:
    assert statuses <= set(document["paths"][path][method]["responses"])


@pytest.mark.parametrize(
    "body",
    [
        problem_body(413, "Request too large", "bodies are limited to 10 bytes"),
        problem_body(422, "Invalid request", "x", [{"field": "body.text", "reason": "short"}]),
        problem_body(404, "Not found"),
    ],
)
def test_the_server_s_problems_fit_the_documented_model(body: dict[str, Any]) -> None:
    assert ProblemDetails.model_validate(body).model_dump(exclude_none=True) == body


def test_the_documented_submission_example_is_accepted(
    client: TestClient, document: dict[str, Any]
) -> None:
    examples = document["components"]["schemas"]["ArticleSubmission"]["examples"]
    assert examples
    for example in examples:
        response = client.post("/articles", json=example)
        assert response.status_code in (200, 202), response.text
        assert client.get(response.json()["links"]["self"]).status_code == 200


def _query_examples(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, operations in document["paths"].items():
        get = operations.get("get", {})
        examples = {
            p["name"]: p["example"]
            for p in get.get("parameters", [])
            if p["in"] == "query" and "example" in p
        }
        if examples:
            yield path, examples


def test_the_documented_query_examples_are_accepted(
    client: TestClient, document: dict[str, Any]
) -> None:
    """All of an operation's examples at once, as "Try it out" sends them, and each alone."""
    found = dict(_query_examples(document))
    assert {"/articles", "/entities", "/stories", "/export"} <= set(found)
    for path, examples in found.items():
        if "{" in path:
            continue  # one item: an empty archive answers 404 whatever the filters
        for params in [examples, *({name: value} for name, value in examples.items())]:
            response = client.get(path, params=params)
            assert response.status_code == 200, (path, params, response.text[:300])


# Answers that fuzzing with open settings rarely or never provokes, each provoked on purpose and
# held to the document by schemathesis's conformance checks (tests/unit/test_gateway_schema.py).
_KEY = "docs-test-key"
_SMALL_BODY = 512  # bytes: a long article text is over it
_UNREACHABLE = "127.0.0.1:1"  # nothing listens on port 1: connection refused at once
_CONFORMANCE = [
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]
_KEYED = {"X-API-Key": _KEY}
# Its own rate bucket: the only request that spends it is the one meant to be over the rate.
_OTHER_KEY = "docs-test-other-key"
Answer = tuple[str, str, dict[str, Any], dict[str, Any], int]  # method, path, its values, ...
_STRICT_ANSWERS: list[Answer] = [
    ("GET", "/articles/{article_id}", {"article_id": "abc"}, {}, 401),
    ("GET", "/articles/{article_id}", {"article_id": "abc"}, {"headers": _KEYED}, 404),
    ("DELETE", "/articles/{article_id}", {"article_id": "abc"}, {"headers": _KEYED}, 404),
    ("GET", "/articles/{article_id}/events", {"article_id": "abc"}, {"headers": _KEYED}, 404),
    ("GET", "/stories/{story_id}", {"story_id": 7}, {"headers": _KEYED}, 404),
    ("GET", "/entities/{key}", {"key": "PERSON:nobody"}, {"headers": _KEYED}, 404),
    ("GET", "/stories", {}, {"headers": _KEYED, "params": {"since": "yesterday"}}, 422),
    ("POST", "/articles", {}, {"headers": _KEYED, "json": {"text": "x" * 600}}, 413),
    (
        "POST",
        "/articles",
        {},
        {"headers": {**_KEYED, "content-type": "text/plain"}, "content": "hello"},
        415,
    ),
    (
        "POST",
        "/articles/batch",
        {},
        {"headers": {**_KEYED, "content-type": "application/json"}, "content": "[{"},
        400,
    ),
    ("POST", "/articles/batch", {}, {"headers": _KEYED, "json": []}, 422),
    ("POST", "/articles/batch", {}, {"headers": _KEYED, "json": [{}]}, 422),
    # The rate is 1 a minute: a batch of two is over it however the minute falls.
    ("POST", "/articles/batch", {}, {"headers": {"X-API-Key": _OTHER_KEY}, "json": [{}, {}]}, 429),
]
_DOWN_ANSWERS: list[Answer] = [
    ("GET", "/articles", {}, {}, 503),
    ("GET", "/export", {}, {}, 503),
    ("POST", "/articles", {}, {"json": {"text": "Rain in Lisbon."}}, 503),
    ("GET", "/readyz", {}, {}, 503),
]
_schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())


@pytest.fixture(scope="module")
def strict(
    redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """API keys on, small bodies, one submission a minute."""
    Redis(port=redis_server.port, db=_DB).flushdb()
    archive = f"sqlite:///{tmp_path_factory.mktemp('strict') / 'archive.db'}"
    upgrade(connect(archive))
    settings = Settings(
        redis_url=f"redis://127.0.0.1:{redis_server.port}/{_DB}",
        database_url=archive,
        api_keys=[_KEY, _OTHER_KEY],
        max_article_bytes=_SMALL_BODY,
        rate_limit_per_minute=1,
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def down() -> Iterator[TestClient]:
    """Redis and the archive both unreachable."""
    settings = Settings(
        redis_url=f"redis://{_UNREACHABLE}/0",
        database_url=f"postgresql+psycopg://newsflow:unused@{_UNREACHABLE}/newsflow",
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _check(client: TestClient, answer: Answer) -> None:
    method, path, values, kwargs, status = answer
    response = client.request(method, path.format(**values), **kwargs)
    assert response.status_code == status, (method, path, values, response.text[:300])
    case = _schema[path][method].Case(path_parameters=values)
    case.validate_response(response, checks=_CONFORMANCE, headers=kwargs.get("headers"))


@pytest.mark.parametrize("answer", _STRICT_ANSWERS, ids=lambda a: f"{a[0]} {a[1]} {a[4]}")
def test_refusals_are_the_documented_ones(strict: TestClient, answer: Answer) -> None:
    _check(strict, answer)


@pytest.mark.parametrize("answer", _DOWN_ANSWERS, ids=lambda a: f"{a[0]} {a[1]} {a[4]}")
def test_outages_are_the_documented_ones(down: TestClient, answer: Answer) -> None:
    _check(down, answer)
