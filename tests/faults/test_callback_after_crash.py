"""Guarantee 1, last hole: the collector dies between storing a run's end and sending its callback.

The run's end puts the callback in the store's outbox in the same transaction; a collector process
that dies before (or just after) queueing the callback never takes it off, and its redelivered
outcome changes nothing, so the sweeper sends it from the outbox. The callback must still reach
the receiver, once.
"""

import time

import httpx
import pytest

from services.gateway.sweeper import CALLBACK_GRACE_SECONDS
from shared import faults
from tests.faults.conftest import SWEEP_INTERVAL_SECONDS, Faulty
from tests.faults.receiver import callback_receiver
from tests.faults.test_poison import KILLED
from tests.integration.conftest import wait_finished, wait_until

pytestmark = pytest.mark.faults
# After the first callback arrives, how long to keep listening for a second one: past another
# grace period and sweep, so a second send from the outbox would have arrived.
LISTEN_FOR_SECOND_SECONDS = CALLBACK_GRACE_SECONDS + 3 * SWEEP_INTERVAL_SECONDS


@pytest.mark.parametrize(
    ("marker", "city"),
    [(faults.DIE_BEFORE_CALLBACK, "Oslo"), (faults.DIE_AFTER_CALLBACK, "Bergen")],
    ids=["dies-before-queueing", "dies-after-queueing"],
)
def test_the_callback_goes_out_once_when_the_collector_dies(
    faulty: Faulty, client: httpx.Client, marker: str, city: str
) -> None:
    collector_log = faulty.up.log_dir / "collector.log"
    killed_before = len(KILLED.findall(collector_log.read_text(errors="replace")))
    with callback_receiver() as (url, received):
        text = f"{city}'s harbour reopened on Friday after the storm, the port said. {marker}"
        started = time.monotonic()
        response = client.post("/articles", json={"text": text, "callback_url": url})
        assert response.status_code == 202, response.text
        result = wait_finished(client, response.json()["id"], timeout=90)
        assert result["status"] == "done"
        run_id = result["run_id"]

        wait_until(
            lambda: received.per_run()[run_id] >= 1,
            CALLBACK_GRACE_SECONDS + 60,
            "the callback from the outbox",
        )
        arrived = time.monotonic() - started
        time.sleep(LISTEN_FOR_SECOND_SECONDS)
        assert received.per_run()[run_id] == 1, received.bodies()

    killed = len(KILLED.findall(collector_log.read_text(errors="replace"))) - killed_before
    assert killed == 1, f"the collector's pool process was killed {killed} times"
    print(f"\ncollector died {marker}: one callback, {arrived:.1f} s after submission")
