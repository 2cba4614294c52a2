"""Faults in a batch (shared/batch_stage.py): a batch that cannot finish is delivered again and
split, each article then alone on the single path. An article that kills its worker fails alone
after its own bounded deliveries while the others finish; a batch whose outcomes cannot be sent
loses nothing."""

from typing import Any

import httpx
import pytest

from shared import faults
from tests.faults.articles import article
from tests.faults.conftest import MAX_DELIVERIES, Faulty
from tests.faults.test_poison import KILLED
from tests.integration.conftest import wait_finished

pytestmark = pytest.mark.faults


def _run_batch(client: httpx.Client, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Submit ``items`` as one batch; each article's result once it has ended."""
    response = client.post("/articles/batch", json=items)
    assert response.status_code == 202, response.text
    ids = [item["id"] for item in response.json()["items"]]
    return [wait_finished(client, article_id, timeout=120) for article_id in ids]


def test_a_poison_article_in_a_batch_fails_alone(faulty: Faulty, client: httpx.Client) -> None:
    ingest_log = faulty.up.log_dir / "ingest.log"
    killed_before = len(KILLED.findall(ingest_log.read_text(errors="replace")))
    items = [{"text": article(900 + n)} for n in range(4)]
    items[2] = {"text": f"{article(902)} {faults.KILL_WORKER}"}
    results = _run_batch(client, items)
    assert [r["status"] for r in results] == ["done", "done", "failed", "done"]
    poison = results[2]
    assert poison["error"]["stage"] == "ingest" and poison["error"]["type"] == "WorkerLost"
    assert poison["stages"]["ingest"]["attempts"] == MAX_DELIVERIES
    # The batch's first delivery died with it; then every article went alone.
    tasks = {r["stages"]["ingest"]["task_id"] for r in results}
    assert len(tasks) == len(items)
    log = ingest_log.read_text(errors="replace")
    assert "ingest batch split (delivery 2): 4 articles sent alone" in log
    kills = len(KILLED.findall(log)) - killed_before
    assert 2 <= kills <= MAX_DELIVERIES + 1, kills  # the batch's delivery, then the article's


def test_a_batch_whose_outcomes_cannot_be_sent_loses_nothing(
    faulty: Faulty, client: httpx.Client
) -> None:
    items = [{"text": article(910 + n)} for n in range(3)]
    items[1] = {"text": f"{article(911)} {faults.REPORT_FAILS}"}
    results = _run_batch(client, items)
    assert [r["status"] for r in results] == ["done"] * 3
    # The batch was given back unreported, then split: each article ran on its own.
    assert len({r["stages"]["ingest"]["task_id"] for r in results}) == 3
    assert results[1]["stages"]["ingest"]["attempts"] == 2  # its own report failed once too
    log = (faulty.up.log_dir / "ingest.log").read_text(errors="replace")
    assert "ingest batch split (delivery 2): 3 articles sent alone" in log
