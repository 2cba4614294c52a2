"""A collector that dies around archiving a finished run: the article still reaches the archive,
once. The run's end puts it in the store's archive outbox in the same transaction; a collector
process killed before writing the archive (or after, before taking it off the outbox) leaves it
there, and the sweeper archives it; a second write replaces the first (same rows), so the
article is found once and stands once in its story."""

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from services.gateway.sweeper import CALLBACK_GRACE_SECONDS
from shared import faults
from tests.faults.conftest import SWEEP_INTERVAL_SECONDS, Faulty
from tests.faults.test_poison import KILLED
from tests.integration.conftest import wait_finished, wait_until

pytestmark = pytest.mark.faults


@pytest.mark.parametrize(
    ("marker", "city"),
    [(faults.DIE_BEFORE_ARCHIVE, "Tromsø"), (faults.DIE_AFTER_ARCHIVE, "Ålesund")],
    ids=["dies-before-archiving", "dies-after-archiving"],
)
def test_the_article_is_archived_once_when_the_collector_dies(
    faulty: Faulty, client: httpx.Client, marker: str, city: str
) -> None:
    collector_log = faulty.up.log_dir / "collector.log"
    killed_before = len(KILLED.findall(collector_log.read_text(errors="replace")))
    text = f"{city}'s ferry terminal reopened on Monday after repairs, the council said. {marker}"
    started = time.monotonic()
    response = client.post("/articles", json={"text": text})
    assert response.status_code == 202, response.text
    article_id = response.json()["id"]
    assert wait_finished(client, article_id, timeout=90)["status"] == "done"

    def hits() -> list[str]:
        found = client.get("/articles", params={"q": marker, "limit": 10})
        assert found.status_code == 200, found.text
        return [hit["id"] for hit in found.json()["items"]]

    wait_until(lambda: hits(), CALLBACK_GRACE_SECONDS + 60, "the article in the archive")
    arrived = time.monotonic() - started
    # Past another grace period and sweeps: the outbox is empty and nothing was archived twice.
    time.sleep(CALLBACK_GRACE_SECONDS + 3 * SWEEP_INTERVAL_SECONDS)
    assert hits() == [article_id]
    assert article_id not in faulty.store.archive_due(datetime.now(UTC) + timedelta(days=1), 100)
    story = client.get(f"/articles/{article_id}").json()["story"]
    members = [a["id"] for a in client.get(f"/stories/{story}").json()["articles"]]
    assert members.count(article_id) == 1  # once (its near-duplicate sibling may share it)
    killed = len(KILLED.findall(collector_log.read_text(errors="replace"))) - killed_before
    assert killed == 1, f"the collector's pool process was killed {killed} times"
    print(f"\ncollector died {marker}: archived once, {arrived:.1f} s after submission")
