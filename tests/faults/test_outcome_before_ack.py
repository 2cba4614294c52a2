"""Guarantee 1a: a message is acknowledged only once its outcome is safely queued.

Every stage of this article finds the broker unreachable when it first reports its outcome
(shared/faults.py REPORT_FAILS). Acked anyway, the outcome would be lost and the article would sit
in ``processing`` until the sweeper's deadline; given back, it is delivered again and ends done
well before that deadline, without the sweeper.
"""

import time

import httpx
import pytest

from shared import faults
from tests.faults.conftest import RUN_DEADLINE_SECONDS
from tests.integration.conftest import wait_finished

pytestmark = pytest.mark.faults


def test_an_outcome_that_cannot_be_reported_is_delivered_again(client: httpx.Client) -> None:
    text = f"Quito's council approved the budget on Tuesday. {faults.REPORT_FAILS}"
    started = time.monotonic()
    response = client.post("/articles", json={"text": text})
    assert response.status_code == 202, response.text
    result = wait_finished(client, response.json()["id"], timeout=RUN_DEADLINE_SECONDS - 5)
    elapsed = time.monotonic() - started

    assert result["status"] == "done", result.get("error")
    assert result["redrives"] == 0  # recovered by redelivery, not by the sweeper
    attempts = {stage: s["attempts"] for stage, s in result["stages"].items()}
    assert attempts == {"ingest": 2, "extraction": 2, "summarization": 2}
    print(f"\nreport fault: done in {elapsed:.1f} s, attempts {attempts}")
