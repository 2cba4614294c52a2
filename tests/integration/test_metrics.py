"""Metrics and logs of the running system: one article through it, then what operators read.

Scrapes the gateway's /metrics and each worker's own metrics port (services/stack.py gives each
one), and reads every service's log for the article's lines.
"""

import http.server
import json
import re
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from shared.settings import Settings
from tests.integration.conftest import Running, wait_finished, wait_until

pytestmark = pytest.mark.integration
QUEUES = ("ingest", "extraction", "summarization", "results", "callbacks", "sources")
STAGE_WORKERS = {"ingest": "ingest", "extraction": "extraction", "summarization": "summarization"}
# What Celery prints to the console itself, bypassing logging: its shutdown messages
# ("worker: Warm shutdown (MainProcess)"), written when a test stops or restarts a worker.
CELERY_CONSOLE = re.compile(r"worker: .*|\s*")
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(url: str) -> Samples:
    response = httpx.get(url, timeout=10)
    response.raise_for_status()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def worker_metrics(running: Running, worker: str) -> Samples:
    return scrape(f"http://127.0.0.1:{running.stack.metrics_ports[worker]}/metrics")


def duration_count(samples: Samples, stage: str) -> float:
    return samples.get(("newsflow_task_duration_seconds_count", (("stage", stage),)), 0.0)


@pytest.fixture(scope="module")
def article(running: Running) -> dict[str, Any]:
    """A fresh article (unique text: it runs whatever ran before), sent with a request id."""
    before = {w: duration_count(worker_metrics(running, w), w) for w in STAGE_WORKERS}
    text = (
        f"Observability check {uuid.uuid4().hex}. Angela Merkel met Emmanuel Macron in Paris on "
        "Tuesday. They discussed trade and energy. Officials in Berlin welcomed the talks."
    )
    with httpx.Client(base_url=running.gateway, timeout=30) as client:
        response = client.post("/articles", json={"text": text}, headers={"X-Request-ID": "req-42"})
        assert response.status_code == 202, response.text
        assert response.headers["x-request-id"] == "req-42"
        result = wait_finished(client, response.json()["id"])
    assert result["status"] == "done", running.logs()
    return {"result": result, "before": before}


def test_gateway_metrics_count_requests_and_read_every_queue(
    running: Running, article: dict[str, Any]
) -> None:
    found = scrape(f"{running.gateway}/metrics")
    submitted = ("method", "POST"), ("route", "/articles"), ("status", "202")
    assert found[("newsflow_http_requests_total", submitted)] >= 1
    read = ("method", "GET"), ("route", "/articles/{article_id}"), ("status", "200")
    assert found[("newsflow_http_requests_total", read)] >= 1
    assert not any(article["result"]["id"] in str(labels) for _, labels in found)
    latency = ("method", "POST"), ("route", "/articles")
    assert found[("newsflow_http_request_duration_seconds_count", latency)] >= 1
    for queue in QUEUES:
        assert found[("newsflow_queue_depth", (("queue", queue),))] >= 0
    assert found[("newsflow_store_up", ())] == 1
    assert found[("newsflow_articles", (("status", "stored"),))] >= 1


def test_each_worker_serves_its_task_durations_failures_and_retries(
    running: Running, article: dict[str, Any]
) -> None:
    for worker in STAGE_WORKERS:
        # The outcome is reported before the task returns: its duration lands a moment later.
        found = wait_until(
            lambda w=worker: (
                s
                if duration_count(s := worker_metrics(running, w), w) > article["before"][w]
                else None
            ),
            30,
            f"{worker}'s task duration",
        )
        buckets = [v for (name, _), v in found.items() if name.endswith("_bucket")]
        assert buckets and max(buckets) == duration_count(found, worker)  # +Inf holds them all
        assert found[("newsflow_task_retries_total", (("stage", worker),))] >= 0
    done = ("newsflow_runs_finished_total", (("status", "done"),))
    collector = wait_until(
        lambda: (s := worker_metrics(running, "collector")).get(done, 0) >= 1 and s,
        30,
        "the collector's count of finished runs",
    )
    assert duration_count(collector, "results") >= 1


class Unavailable(http.server.BaseHTTPRequestHandler):
    """Every fetch answers 503: transient, so ingest retries it, then reports a failure."""

    def do_GET(self) -> None:
        self.send_response(503)
        self.end_headers()


@pytest.fixture
def unavailable_page() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Unavailable)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/news.html"
    server.shutdown()


def test_retries_and_failures_are_counted_by_stage(
    running: Running, client: httpx.Client, unavailable_page: str
) -> None:
    retries = ("newsflow_task_retries_total", (("stage", "ingest"),))
    failures = ("newsflow_task_failures_total", (("exception", "StageFailed"), ("stage", "ingest")))
    before = worker_metrics(running, "ingest")
    response = client.post("/articles", json={"url": unavailable_page})
    assert response.status_code == 202, response.text
    result = wait_finished(client, response.json()["id"])
    assert result["status"] == "failed" and "503" in result["error"]["message"]
    after = wait_until(
        lambda: (
            (s := worker_metrics(running, "ingest")).get(failures, 0) > before.get(failures, 0)
            and s
        ),
        30,
        "ingest's failure count",
    )
    # TASK_MAX_RETRIES (3) retries with backoff, then the failure is reported.
    assert after[retries] - before.get(retries, 0) == Settings().task_max_retries
    assert after[failures] - before.get(failures, 0) == 1


def json_lines(log: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Parsed JSON lines and the lines that are not JSON objects."""
    parsed: list[dict[str, Any]] = []
    other: list[str] = []
    for line in log.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            other.append(line)
            continue
        (parsed.append(entry) if isinstance(entry, dict) else other.append(line))
    return parsed, other


def test_every_log_line_about_the_article_is_json_with_its_ids(
    running: Running, article: dict[str, Any]
) -> None:
    article_id, run_id = article["result"]["id"], article["result"]["run_id"]
    for service in (*STAGE_WORKERS, "collector"):
        log = running.log_dir / f"{service}.log"
        parsed, other = json_lines(log)
        unlogged = [line for line in other if not CELERY_CONSOLE.fullmatch(line)]
        assert not unlogged, f"{service} wrote lines that are not JSON: {unlogged[:5]}"
        about = [
            e for e in parsed if e.get("article_id") == article_id or article_id in e["message"]
        ]
        assert about, f"no line of {service} carries {article_id}"
        for entry in about:
            assert entry["article_id"] == article_id and entry["service"] == service, entry
            assert {"time", "level", "logger", "message"} <= set(entry), entry
        assert any(e.get("run_id") == run_id for e in about), service
    gateway, _ = json_lines(running.log_dir / "gateway.log")
    submitted = [e for e in gateway if e.get("request_id") == "req-42"]
    assert submitted and all(e["service"] == "gateway" for e in submitted)
