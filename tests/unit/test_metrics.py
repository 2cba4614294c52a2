"""Metric definitions and the gateway's /metrics (real Redis, no workers)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from redis import Redis

from services.gateway.app import create_app
from services.gateway.observe import article_id_in, request_id_from
from services.localredis import free_port
from shared.metrics.http import StoreCounts, store_families
from shared.metrics.serve import empty_directory, serve_worker_metrics
from shared.metrics.tasks import OTHER_STAGE, stage_label
from shared.names import TASK_CALLBACK, TASK_COLLECT, TASK_EXTRACTION, TASK_INGEST
from shared.observe import service_of, task_ids
from shared.settings import Settings
from tests.conftest import RedisServer

DB = 12  # nothing consumes this database's queues


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_tasks_are_labelled_by_their_stage_and_nothing_else() -> None:
    assert stage_label(TASK_INGEST) == "ingest"
    assert stage_label(TASK_EXTRACTION) == "extraction"
    assert stage_label(TASK_COLLECT) == "results"
    assert stage_label(TASK_CALLBACK) == "callbacks"
    assert stage_label("celery.ping") == stage_label(None) == OTHER_STAGE


def test_task_ids_come_from_the_message_or_the_callback_arguments() -> None:
    message = {"article_id": "a_1", "run_id": "r_1", "document": {}}
    assert task_ids(TASK_EXTRACTION, [message]) == ("a_1", "r_1")
    assert task_ids(TASK_CALLBACK, ["a_2", "r_2"]) == ("a_2", "r_2")
    assert task_ids(TASK_INGEST, [{"garbage": True}]) == (None, None)
    assert task_ids("celery.ping", ["x", "y"]) == task_ids(TASK_INGEST, None) == (None, None)
    assert service_of("extraction@host-1") == "extraction"


def test_store_families_say_when_redis_did_not_answer() -> None:
    down = store_families(None)
    assert [f.name for f in down] == ["newsflow_store_up"] and down[0].samples[0].value == 0
    counts = StoreCounts({"ingest": 3, "results": 0}, 2, 10, {"archive": 1, "callbacks": 0})
    found = {
        f.name: {tuple(s.labels.values()): s.value for s in f.samples}
        for f in store_families(counts)
    }
    assert found["newsflow_queue_depth"] == {("ingest",): 3, ("results",): 0}
    assert found["newsflow_articles"] == {("open",): 2, ("stored",): 10}
    assert found["newsflow_outbox_depth"] == {("archive",): 1, ("callbacks",): 0}
    assert found["newsflow_store_up"] == {(): 1}


def test_request_ids_are_reused_only_when_sane() -> None:
    assert request_id_from([(b"X-Request-ID", b"3f2a-11ee.b")]) == "3f2a-11ee.b"
    for insane in (b"a b", b"x" * 129, b"", b"id\nforged log line", "é".encode()):
        made = request_id_from([(b"x-request-id", insane)])
        assert made != insane.decode("latin-1") and len(made) == 32
    assert request_id_from([]) != request_id_from([])


def test_article_ids_are_read_from_article_paths_only() -> None:
    assert article_id_in("/articles/a_3f9c") == "a_3f9c"
    assert article_id_in("/articles/a_3f9c/events") == "a_3f9c"
    assert article_id_in("/articles/batch") is None
    assert article_id_in("/articles") is None
    assert article_id_in("/entities/PERSON:x") is None


def test_a_worker_serves_nothing_without_a_port_or_a_multiprocess_directory(
    tmp_path: Path,
) -> None:
    assert serve_worker_metrics(0, "127.0.0.1", str(tmp_path)) is None
    assert serve_worker_metrics(free_port(), "127.0.0.1", "") is None


def test_a_worker_starts_from_an_empty_directory(tmp_path: Path) -> None:
    directory = tmp_path / "metrics" / "ingest"
    empty_directory(directory)
    (directory / "counter_123.db").write_bytes(b"old counts")
    (directory / "keep.txt").write_text("not ours")
    empty_directory(directory)
    assert [p.name for p in directory.iterdir()] == ["keep.txt"]


@pytest.fixture
def client(redis_server: RedisServer) -> Iterator[TestClient]:
    Redis(port=redis_server.port, db=DB).flushdb()
    settings = Settings(redis_url=f"redis://127.0.0.1:{redis_server.port}/{DB}")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_metrics_count_requests_by_route_template_and_read_queue_depths(
    client: TestClient, redis_server: RedisServer
) -> None:
    Redis(port=redis_server.port, db=DB).rpush("extraction", b"m1", b"m2")
    key = (
        "newsflow_http_requests_total",
        (("method", "GET"), ("route", "/articles/{article_id}"), ("status", "404")),
    )
    before = samples(client.get("/metrics").text).get(key, 0.0)
    for unknown in ("a_0001", "a_0002", "a_0003"):
        assert client.get(f"/articles/{unknown}").status_code == 404
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = samples(response.text)
    assert found[key] == before + 3  # one series for every id, not one per id
    assert not any("a_0001" in str(labels) for _, labels in found)
    assert found[("newsflow_queue_depth", (("queue", "extraction"),))] == 2
    for queue in ("ingest", "summarization", "results", "callbacks", "sources"):
        assert found[("newsflow_queue_depth", (("queue", queue),))] == 0
    assert found[("newsflow_store_up", ())] == 1
    latency = (
        "newsflow_http_request_duration_seconds_count",
        (("method", "GET"), ("route", "/articles/{article_id}")),
    )
    assert found[latency] >= 3


def test_metrics_report_the_poll_backlog(client: TestClient, redis_server: RedisServer) -> None:
    """The monitor's `sources` queue: what an operator watches to scale the poller by hand."""
    Redis(port=redis_server.port, db=DB).rpush("sources", b"p1", b"p2", b"p3")
    found = samples(client.get("/metrics").text)
    assert found[("newsflow_queue_depth", (("queue", "sources"),))] == 3


def test_metrics_are_unauthenticated_and_not_in_the_openapi_document(
    redis_server: RedisServer,
) -> None:
    settings = Settings(
        redis_url=f"redis://127.0.0.1:{redis_server.port}/{DB}", api_keys=["k-7f3e9a1b2c"]
    )
    with TestClient(create_app(settings)) as client:
        assert client.get("/metrics").status_code == 200
        assert "/metrics" not in client.get("/openapi.json").json()["paths"]


def test_every_answer_carries_a_request_id(client: TestClient) -> None:
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
        == "abc-123"
    )
    made = client.get("/healthz", headers={"X-Request-ID": "bad id"}).headers["x-request-id"]
    assert made != "bad id" and len(made) == 32
    assert client.get("/no/such/path").headers["x-request-id"]


def test_every_answer_says_how_long_the_gateway_took(client: TestClient) -> None:
    """``Server-Timing: app;dur=<ms>``: the part of a client's round trip spent in the app."""
    for response in (client.get("/healthz"), client.get("/no/such/path")):
        timing = response.headers["server-timing"]
        name, duration = timing.split(";")
        assert name == "app" and duration.startswith("dur=")
        assert 0 < float(duration.removeprefix("dur=")) < 60_000


def test_a_scrape_without_redis_still_answers_and_says_so() -> None:
    settings = Settings(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    with TestClient(create_app(settings)) as client:
        found = samples(client.get("/metrics").text)
    assert found[("newsflow_store_up", ())] == 0
    assert not any(name == "newsflow_queue_depth" for name, _ in found)
