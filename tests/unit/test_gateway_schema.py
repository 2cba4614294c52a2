"""Schemathesis against the gateway's own OpenAPI: whatever a client sends, no 5xx, and every
4xx is a problem+json document (RFC 9457), on the real ASGI app with a private Redis and a
migrated SQLite archive (so search, entity, story and export parameters are fuzzed too)."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from redis import Redis
from schemathesis import Case

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
    response = client.request(**_httpx_kwargs(case))
    if case.path == "/readyz" and response.status_code == 503:
        return  # by design: no worker is running in this test, so the stack is not ready
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
    if response.status_code >= 400:
        kind = response.headers.get("content-type", "")
        assert kind.startswith("application/problem+json"), (case.method, case.path, kind)
