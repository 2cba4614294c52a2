"""Monitoring across crashes: a poller killed mid-poll, a poller and a scheduler killed and
restarted, a second scheduler started beside the first, and a collector killed after firing an
alert. Each feed item still becomes one article, fetched once, and each matching article raises
one alert, delivered once."""

import html
import json
import queue
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis import Redis

from services.gateway.monitor.beat_lock import LOCK_KEY
from services.stack import COMMANDS
from shared import faults
from tests.faults.conftest import Faulty
from tests.faults.processes import kill_and_restart
from tests.faults.test_poison import KILLED
from tests.integration.conftest import wait_finished, wait_until
from tests.integration.test_callback import receiver  # noqa: F401 - a fixture
from tests.monitor.feedserver import FeedServer, Page, feed_server, rss

pytestmark = pytest.mark.faults
TOWNS = ("Bodø", "Narvik", "Harstad", "Alta", "Vadsø", "Kirkenes", "Hammerfest", "Finnsnes")


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with feed_server() as server:
        yield server


def story(feeds: FeedServer, n: int, path: str) -> dict[str, str]:
    town = TOWNS[n % len(TOWNS)]
    text = (
        f"The harbour office in {town} reopened its ferry quay on Monday after three weeks of "
        f"repairs, the municipality said.\n\nStory {n} of the monitor fault test: local traders "
        f"in {town} expect the summer timetable to return by June."
    )
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    title = f"{town} ferry quay reopens ({n})"
    feeds.put(
        path,
        Page(
            f"<html><head><title>{title}</title></head><body><article>"
            f"<h1>{title}</h1>{paragraphs}</article></body></html>".encode(),
            "text/html; charset=utf-8",
        ),
    )
    return {"guid": f"urn:fault:{n}", "link": feeds.base + path, "title": title}


def items(client: httpx.Client, source_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = client.get(f"/sources/{source_id}/items").json()
    return found


def fetches(feeds: FeedServer, prefix: str = "/news/") -> dict[str, int]:
    counts: dict[str, int] = {}
    for served in feeds.log:
        if served.path.startswith(prefix):
            counts[served.path] = counts.get(served.path, 0) + 1
    return counts


def test_each_item_once_across_poller_and_scheduler_crashes(
    faulty: Faulty, client: httpx.Client, feeds: FeedServer
) -> None:
    stack = faulty.up.stack
    title = f"Fault feed {uuid.uuid4().hex[:6]}"
    # Item 1's poll kills the poller's pool process after submitting it, before recording it.
    entries = [story(feeds, 0, "/news/0"), story(feeds, 1, f"/news/1-{faults.DIE_AFTER_SUBMIT}")]
    entries.append(story(feeds, 2, "/news/2"))
    feed = feeds.put("/feed.xml", Page(rss(title, entries)))
    created = client.post("/sources", json={"url": feed, "interval_seconds": 60})
    assert created.status_code == 201, created.text
    source_id = created.json()["id"]
    found = wait_until(
        lambda: len(got := items(client, source_id)) == 3 and got, 90, "the crashed poll, redone"
    )
    poller_log = (faulty.up.log_dir / "poller.log").read_text(errors="replace")
    assert KILLED.search(poller_log), "the fault did not strike"
    for item in found:
        assert wait_finished(client, item["article_id"])["status"] == "done"

    # The poller, killed whole, misses a poll; the feed grows meanwhile.
    kill_and_restart(stack, "poller", down_seconds=2)
    entries.append(story(feeds, 3, "/news/3"))
    feeds.put("/feed.xml", Page(rss(title, entries)))
    client.post(f"/sources/{source_id}/poll")
    wait_until(lambda: len(items(client, source_id)) == 4, 120, "item 3 after the poller restart")

    # The scheduler, killed whole: its lease lapses, the restarted one takes it and ticks.
    redis = Redis.from_url(faulty.redis.url)
    before = redis.get(LOCK_KEY)
    kill_and_restart(stack, "scheduler")
    wait_until(lambda: redis.get(LOCK_KEY) not in (None, before), 30, "the new scheduler's lease")
    # A second scheduler stands by while the first holds the lease.
    holder = redis.get(LOCK_KEY)
    second_log = faulty.up.log_dir / "scheduler-2.log"
    with open(second_log, "ab") as log:
        second = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), *COMMANDS["scheduler"][1:]],
            env=stack.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until(lambda: "standing by" in second_log.read_text(), 60, "the standby scheduler")
        assert redis.get(LOCK_KEY) == holder
    finally:
        second.terminate()
        second.wait(15)
    entries.append(story(feeds, 4, "/news/4"))
    feeds.put("/feed.xml", Page(rss(title, entries)))
    # Due now (a resumed source is), so the restarted scheduler's next tick must queue its poll.
    client.patch(f"/sources/{source_id}", json={"active": True})
    final = wait_until(
        lambda: len(got := items(client, source_id)) == 5 and got, 120, "item 4, by a tick"
    )
    for item in final:
        assert item["outcome"] == "submitted" and item["runs"] == 1
        assert wait_finished(client, item["article_id"])["status"] == "done"
    # Every article page was fetched once: no item was submitted twice.
    assert sorted(fetches(feeds).values()) == [1, 1, 1, 1, 1]
    assert client.get(f"/sources/{source_id}").json()["health"]["items_submitted"] == 5


def test_an_alert_fires_and_is_delivered_once_when_the_collector_dies_after_firing_it(
    faulty: Faulty,
    client: httpx.Client,
    receiver: tuple[str, "queue.Queue[tuple[dict[str, str], bytes]]"],  # noqa: F811
) -> None:
    hook, received = receiver
    word = f"Fjord{uuid.uuid4().hex[:6]}"
    watch = client.post(
        "/watchlists", json={"name": "fault", "query": {"keywords": [word]}, "webhook_url": hook}
    )
    assert watch.status_code == 201, watch.text
    text = (
        f"The {word} ferry line resumed sailings on Tuesday after a storm, the operator said. "
        f"{faults.DIE_AFTER_ARCHIVE}"
    )
    response = client.post("/articles", json={"text": text})
    article_id = response.json()["id"]
    assert wait_finished(client, article_id)["status"] == "done"
    _, body = received.get(timeout=90)  # sent by the scheduler's alerts.pending, not the collector
    assert json.loads(body)["article_id"] == article_id
    time.sleep(8)  # past two more alerts.pending ticks and sweeps
    with pytest.raises(queue.Empty):
        received.get(timeout=1)
    listed = client.get("/alerts", params={"watchlist": watch.json()["id"]}).json()["items"]
    assert [a["article_id"] for a in listed] == [article_id]
