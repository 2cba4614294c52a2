"""Guarantee 1b: a run that outlives its deadline is re-driven or failed with a reason, so nothing
stays ``queued`` or ``processing``. The orphans are planted the way they arise: a stored record
whose message never reached the broker (the gateway's send and its cleanup both failed), and a
processing record whose fan-out messages were lost after ingest. A task killed at its hard time
limit (a library swallowed the soft one) is reported failed by its worker's main process."""

import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from services.gateway.store import ArticleStore
from shared import faults
from shared.models import (
    ArticleEvent,
    ArticleResult,
    ArticleSubmission,
    IngestRequest,
    StageStatus,
)
from shared.names import TASK_INGEST
from tests.faults.conftest import (
    MAX_REDRIVES,
    RUN_DEADLINE_SECONDS,
    SWEEP_INTERVAL_SECONDS,
    Faulty,
)
from tests.integration.conftest import wait_finished

pytestmark = pytest.mark.faults
# Past the deadline, one sweep and one run through the three stages (a few seconds here).
RECOVERY_BOUND = RUN_DEADLINE_SECONDS + SWEEP_INTERVAL_SECONDS + 30


def plant(store: ArticleStore, article_id: str, text: str, keep_request: bool) -> None:
    """A queued record whose ingest message was never sent."""
    now = datetime.now(UTC)
    record = ArticleResult(
        id=article_id,
        run_id=f"run-{article_id}",
        content_type="text",
        submitted_at=now,
        updated_at=now,
    )
    event = ArticleEvent(
        article_id=article_id, run_id=record.run_id, type="queued", status="queued", at=now
    )
    request = IngestRequest(
        article_id=article_id, run_id=record.run_id, submission=ArticleSubmission(text=text)
    )
    assert store.create(record, event, request=request if keep_request else None)


def strand_after_ingest(store: ArticleStore, done: dict[str, Any]) -> str:
    """Rerun a finished article as a new run that stopped after ingest: its fan-out was lost."""
    now = datetime.now(UTC)
    record = ArticleResult.model_validate(done)
    record.run_id = f"stranded-{record.run_id}"
    record.status = "processing"
    record.submitted_at = record.updated_at = now
    record.finished_at = None
    record.extraction = record.summary = None
    record.stages["extraction"] = StageStatus()
    record.stages["summarization"] = StageStatus()
    event = ArticleEvent(
        article_id=record.id, run_id=record.run_id, type="queued", status="queued", at=now
    )
    assert store.create(record, event, replace=True)
    return record.id


def test_stalled_runs_are_redriven_or_failed_within_the_bound(
    faulty: Faulty, client: httpx.Client
) -> None:
    finished = client.post("/articles", json={"text": "Hanoi's metro line opened in August."})
    stranded = strand_after_ingest(faulty.store, wait_finished(client, finished.json()["id"]))
    plant(faulty.store, "a_orphan_kept", "Dakar's mayor reopened the market.", keep_request=True)
    plant(faulty.store, "a_orphan_lost", "Riga's tram fares rose.", keep_request=False)
    planted = time.monotonic()

    redriven = wait_finished(client, "a_orphan_kept", timeout=RECOVERY_BOUND)
    assert redriven["status"] == "done" and redriven["redrives"] == 1
    assert redriven["extraction"]["entities"] and redriven["summary"]["sentences"]
    recovered = time.monotonic() - planted

    after_ingest = wait_finished(client, stranded, timeout=RECOVERY_BOUND)
    assert after_ingest["status"] == "done" and after_ingest["redrives"] == 1
    assert after_ingest["extraction"]["entities"]

    lost = wait_finished(client, "a_orphan_lost", timeout=RECOVERY_BOUND)
    assert lost["status"] == "failed" and lost["error"]["type"] == "RequestLost"
    assert lost["stages"]["extraction"]["status"] == "skipped"
    assert time.monotonic() - planted < RECOVERY_BOUND
    print(
        f"\nsweeper: orphan re-driven and done {recovered:.1f} s after it was planted "
        f"(deadline {RUN_DEADLINE_SECONDS} s, at most {MAX_REDRIVES} re-drives)"
    )


def test_a_hard_time_limit_kill_is_reported_failed(faulty: Faulty, client: httpx.Client) -> None:
    plant(faulty.store, "a_hangs", f"Baku froze. {faults.SWALLOW_SOFT_LIMIT}", keep_request=False)
    request = IngestRequest(
        article_id="a_hangs",
        run_id="run-a_hangs",
        submission=ArticleSubmission(text=f"Baku froze. {faults.SWALLOW_SOFT_LIMIT}"),
    )
    started = time.monotonic()
    faulty.celery.send_task(
        TASK_INGEST, args=[request.model_dump(mode="json")], soft_time_limit=1, time_limit=3
    )
    result = wait_finished(client, "a_hangs", timeout=RUN_DEADLINE_SECONDS - 5)
    assert result["status"] == "failed"
    assert result["error"]["stage"] == "ingest" and result["error"]["type"] == "TimeLimitExceeded"
    print(f"\nhard time limit: failed {time.monotonic() - started:.1f} s after it was sent")
