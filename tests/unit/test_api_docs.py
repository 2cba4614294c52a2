"""``/docs`` and ``/redoc`` work offline, and what they show is true: their every asset is served
by the gateway itself, the documented examples are accepted, every error is documented as the
problem+json the server really writes. (Schemathesis holds the rest of the document to the
server's answers: tests/unit/test_gateway_schema.py.)"""

import re
from collections.abc import Iterator
from typing import Any

import pytest
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
