"""Schemathesis against the gateway's own OpenAPI: whatever a client sends, no 5xx, every 4xx is
a problem+json document (RFC 9457), and every answer is one the document promises (status code,
content type, body schema, headers such as Retry-After), on the real ASGI app with a private
Redis and a migrated SQLite archive (so search, entity, story and export parameters are fuzzed
too)."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import schemathesis.checks
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from redis import Redis
from schemathesis import Case, SerializationContext

from services.gateway.app import create_app
from services.gateway.corpus.database import connect, upgrade
from shared.settings import Settings
from tests.conftest import RedisServer

_DB = 12  # a database of the session's Redis no other test uses


@pytest.fixture(scope="module")
def client(
    redis_server: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    Redis(port=redis_server.port, db=_DB).flushdb()
    archive = f"sqlite:///{tmp_path_factory.mktemp('archive') / 'archive.db'}"
    upgrade(connect(archive))  # the collector's job in a running stack
    app = create_app(
        Settings(redis_url=f"redis://127.0.0.1:{redis_server.port}/{_DB}", database_url=archive)
    )
    with TestClient(app) as test_client:  # runs the lifespan: the app's Redis clients
        yield test_client


# The published schema needs no Redis: the app object alone describes its operations.
schema = schemathesis.openapi.from_dict(create_app(Settings()).openapi())
# Response conformance: only these, so the test fails for an undocumented answer, not for
# schemathesis's request-side opinions (which the problem checks above already cover).
CONFORMANCE = [
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]


@schemathesis.serializer("application/x-ndjson")
def _ndjson(_: SerializationContext, value: Any) -> bytes:
    """The batch's NDJSON body is documented as text (one article per line): sent as it is."""
    return value.encode() if isinstance(value, str) else json.dumps(value).encode()


def _httpx_kwargs(case: Case[Any]) -> dict[str, Any]:
    """Schemathesis serialises a case for ``requests``; the test client speaks httpx."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver")
    for key in ("verify", "allow_redirects", "timeout", "cert"):
        kwargs.pop(key, None)
    if isinstance(kwargs.get("data"), bytes | str):
        kwargs["content"] = kwargs.pop("data")
    return kwargs


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_every_client_error_is_a_problem(
    case: Case[Any], client: TestClient
) -> None:
    kwargs = _httpx_kwargs(case)
    response = client.request(**kwargs)
    # The answer is one the document promises, whatever it is (readyz's 503 included).
    case.validate_response(response, checks=CONFORMANCE, headers=kwargs.get("headers"))
    if case.path == "/readyz" and response.status_code == 503:
        return  # by design: no worker is running in this test, so the stack is not ready
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
    if response.status_code >= 400:
        kind = response.headers.get("content-type", "")
        if (case.path, kind) == ("/articles/batch", "application/json"):
            return  # no item accepted: a BatchResult (checked above), each item's error a problem
        assert kind.startswith("application/problem+json"), (case.method, case.path, kind)
        assert response.json()["status"] == response.status_code, response.text[:300]
