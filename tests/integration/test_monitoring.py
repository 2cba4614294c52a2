"""A feed followed end to end: the scheduler polls it, its items become articles once each, a
changed item is run again, and a watchlist raises one alert per matching article, signed to its
webhook and listed by ``GET /alerts`` (real processes: scheduler, poller, the pipeline)."""

import html
import json
import queue
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.gateway.callback import SIGNATURE_HEADER, verify
from tests.integration.conftest import CALLBACK_SECRET, Running, wait_finished, wait_until
from tests.integration.test_callback import receiver  # noqa: F401 - a fixture
from tests.monitor.feedserver import FeedServer, Page, feed_server, rss

pytestmark = pytest.mark.integration
ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "summaries-small.jsonl"


def page(title: str, text: str) -> Page:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    body = (
        f"<html><head><title>{html.escape(title)}</title></head><body><article>"
        f"<h1>{html.escape(title)}</h1>{paragraphs}</article></body></html>"
    )
    return Page(body.encode(), "text/html; charset=utf-8")


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with feed_server() as server:
        yield server


def articles() -> list[dict[str, Any]]:
    return [json.loads(line) for line in ARTICLES.read_text().splitlines()][:3]


def items_of(client: httpx.Client, source_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/sources/{source_id}/items")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def test_a_feed_followed_over_several_polls_with_alerts(
    running: Running,
    client: httpx.Client,
    feeds: FeedServer,
    receiver: tuple[str, "queue.Queue[tuple[dict[str, str], bytes]]"],  # noqa: F811
) -> None:
    hook, received = receiver
    feed_title = f"Monitor test {uuid.uuid4().hex[:8]}"
    chosen = articles()
    entries = []
    for n, article in enumerate(chosen):
        feeds.put(f"/news/{n}", page(article["title"], article["article"]))
        entries.append(
            {
                "guid": f"urn:monitor:{n}",
                "link": f"{feeds.base}/news/{n}",
                "title": html.escape(article["title"]),
                "description": html.escape(article["article"][:200]),
            }
        )
    # A word of the second article's title that the other two articles do not contain.
    others = " ".join(a["article"] + a["title"] for i, a in enumerate(chosen) if i != 1).lower()
    keyword = next(
        w
        for w in chosen[1]["title"].split()
        if w.isalpha() and len(w) > 4 and w.lower() not in others
    )
    watch = client.post(
        "/watchlists",
        json={
            "name": "monitor test",
            "query": {"keywords": [keyword], "sources": [feed_title]},
            "webhook_url": hook,
        },
    )
    assert watch.status_code == 201, watch.text
    feed_url = feeds.put("/feed.xml", Page(rss(feed_title, entries)))

    created = client.post("/sources", json={"url": feed_url, "interval_seconds": 60})
    assert created.status_code == 201, created.text
    source_id = created.json()["id"]
    again = client.post("/sources", json={"url": feed_url + "#same"})
    assert again.status_code == 409 and source_id in again.json()["detail"]

    # The scheduler's next tick (1 s) polls it: three items, three articles.
    found = wait_until(
        lambda: (items := items_of(client, source_id)) and len(items) == 3 and items,
        60,
        "the first poll",
        running.stack,
    )
    ids = {item["guid"]: item["article_id"] for item in found}
    for article_id in ids.values():
        assert wait_finished(client, article_id)["status"] == "done"
    source = client.get(f"/sources/{source_id}").json()
    assert source["kind"] == "rss" and source["title"] == feed_title
    assert source["health"]["last_status"] == "ok"
    assert source["health"]["items_submitted"] == 3

    # One alert, for the second article only, signed to the webhook.
    headers, body = received.get(timeout=60)
    assert verify(CALLBACK_SECRET, headers[SIGNATURE_HEADER], body, now=time.time())
    alert = json.loads(body)
    assert alert["article_id"] == ids["urn:monitor:1"]
    assert alert["watchlist_id"] == watch.json()["id"]
    term = next(t for t in alert["matched"] if t["kind"] == "keyword")
    done = client.get(f"/articles/{alert['article_id']}").json()
    where = done["document"][term["field"]]
    assert where[term["start"] : term["end"]].lower() == keyword.lower()
    assert alert["summary"]

    # Second poll: nothing new (a conditional request answered 304).
    polled = len(feeds.served("/feed.xml"))
    assert client.post(f"/sources/{source_id}/poll").status_code == 202
    wait_until(lambda: len(feeds.served("/feed.xml")) > polled, 30, "the second poll")
    wait_until(
        lambda: (
            client.get(f"/sources/{source_id}").json()["health"]["last_status"] == "not_modified"
        ),
        30,
        "the 304 to be recorded",
    )
    assert feeds.served("/feed.xml")[-1].status == 304

    # Third poll: item 3 added, item 1 updated (new text on its page and in the feed).
    first_run = client.get(f"/articles/{ids['urn:monitor:1']}").json()["run_id"]
    feeds.put("/news/1", page(chosen[1]["title"], chosen[1]["article"] + "\n\nUpdate: more."))
    feeds.put("/news/3", page("Late news", chosen[0]["article"].replace("Harbour", "River")))
    entries[1] = {**entries[1], "description": entries[1]["description"] + " Updated."}
    entries.append({"guid": "urn:monitor:3", "link": f"{feeds.base}/news/3", "title": "Late news"})
    feeds.put("/feed.xml", Page(rss(feed_title, entries)))
    assert client.post(f"/sources/{source_id}/poll").status_code == 202
    found = wait_until(
        lambda: (items := items_of(client, source_id)) and len(items) == 4 and items,
        60,
        "the third poll",
    )
    runs = {item["guid"]: item["runs"] for item in found}
    assert runs == {"urn:monitor:0": 1, "urn:monitor:1": 2, "urn:monitor:2": 1, "urn:monitor:3": 1}

    def rerun_done() -> bool:
        body = client.get(f"/articles/{ids['urn:monitor:1']}").json()
        return bool(body["run_id"] != first_run and body["status"] == "done")

    wait_until(rerun_done, 120, "the updated item's new run")
    new_id = next(i["article_id"] for i in found if i["guid"] == "urn:monitor:3")
    assert wait_finished(client, new_id)["status"] == "done"

    # Still one alert for the watchlist: the re-run matched again and fired nothing new.
    time.sleep(4)  # past ALERTS_PENDING_SECONDS: a redelivery would have come by now
    with pytest.raises(queue.Empty):
        received.get(timeout=1)
    listed = client.get("/alerts", params={"watchlist": watch.json()["id"]}).json()
    assert [a["article_id"] for a in listed["items"]] == [ids["urn:monitor:1"]]
    assert listed["items"][0]["delivered_at"] is not None
    # Each article page was fetched once per run: 4 articles, one of them twice.
    article_fetches = [s for s in feeds.log if s.path.startswith("/news/")]
    assert len(article_fetches) == 5

    assert client.delete(f"/sources/{source_id}").status_code == 204
    assert client.get(f"/sources/{source_id}").status_code == 404
