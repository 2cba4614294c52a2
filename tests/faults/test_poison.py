"""Guarantees 2 and 5: a message that kills its worker process on every delivery is tried at most
MAX_DELIVERIES times, then its article fails with the stage and the reason, visibly (Flower,
SSE, skipped stages), and the queue keeps moving."""

import json
import re
import time
from typing import Any

import httpx
import pytest

from shared import faults
from tests.faults.conftest import MAX_DELIVERIES, Faulty
from tests.integration.conftest import flower_task, wait_finished

pytestmark = pytest.mark.faults
# billiard's line when a pool process dies: "Process 'ForkPoolWorker-2' pid:123 exited with
# 'signal 9 (SIGKILL)'".
KILLED = re.compile(r"Process '\S+' pid:\d+ exited with 'signal 9 \(SIGKILL\)'")


def sse_events(client: httpx.Client, article_id: str) -> list[dict[str, Any]]:
    with client.stream("GET", f"/articles/{article_id}/events") as response:
        lines = [line for line in response.iter_lines() if line.startswith("data: ")]
    return [json.loads(line.removeprefix("data: ")) for line in lines]


def test_a_message_that_kills_its_worker_is_bounded(faulty: Faulty, client: httpx.Client) -> None:
    ingest_log = faulty.up.log_dir / "ingest.log"
    killed_before = len(KILLED.findall(ingest_log.read_text(errors="replace")))
    started = time.monotonic()
    poison = client.post("/articles", json={"text": f"Lima flooded. {faults.KILL_WORKER}"})
    ordinary = client.post("/articles", json={"text": "Accra's port handled record cargo in May."})
    poison_id, ordinary_id = poison.json()["id"], ordinary.json()["id"]

    failed = wait_finished(client, poison_id, timeout=90)
    recovered = time.monotonic() - started
    assert failed["status"] == "failed"
    assert failed["error"]["stage"] == "ingest" and failed["error"]["type"] == "WorkerLost"
    assert "died" in failed["error"]["message"]
    assert failed["stages"]["ingest"]["attempts"] == MAX_DELIVERIES
    assert failed["stages"]["extraction"]["status"] == "skipped"
    assert failed["stages"]["summarization"]["status"] == "skipped"
    assert wait_finished(client, ordinary_id, timeout=90)["status"] == "done"

    kills = len(KILLED.findall(ingest_log.read_text(errors="replace"))) - killed_before
    assert 1 <= kills <= MAX_DELIVERIES, kills
    print(f"\npoison: {kills} deliveries killed their process, failed after {recovered:.1f} s")

    events = sse_events(client, poison_id)
    assert [e["type"] for e in events][-2:] == ["stage_failed", "failed"]
    assert all(e["error"]["type"] == "WorkerLost" for e in events[-2:])

    task_id = failed["stages"]["ingest"]["task_id"]
    task = flower_task(faulty.up.flower, task_id, "FAILURE")
    assert "WorkerLost" in task["exception"] and poison_id in str(task["args"])
