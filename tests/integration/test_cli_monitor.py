"""``newsflow sources``, ``watchlists`` and ``alerts`` end to end against the real stack: a
loopback feed followed, its health and items listed, a watchlist's alert printed as it fires
(``alerts --follow``), and bad input refused with its exit code and the field at fault."""

import html
import json
import queue
import signal
import subprocess
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from services.cli.session import NOT_FOUND, OK, REFUSED, USAGE
from tests.integration.conftest import Running, wait_until
from tests.integration.test_cli import NEWSFLOW, newsflow
from tests.monitor.feedserver import FeedServer, Page, feed_server, rss

pytestmark = pytest.mark.integration
ALERT_TIMEOUT = 120.0  # seconds: a poll, two pipeline runs, archiving, then the alert
STORIES = (
    (
        "Ferry line {marker} resumes crossings",
        "The ferry line between Tallinn and Helsinki resumed its crossings on Tuesday after a "
        "week of storms, the operator said. The ship {marker} left the harbour at dawn with two "
        "hundred passengers on board.\n\nPort officials expect the timetable to be back to normal "
        "by the weekend, once the backlog of freight lorries has cleared.",
    ),
    (
        "Library reopens after renovation",
        "The city library reopened on Monday after two years of renovation, the council said. "
        "Its new reading rooms face the river and stay open until ten in the evening.\n\n"
        "Librarians said more than a thousand readers came through the doors on the first day, "
        "many of them children with their parents.",
    ),
)


@dataclass
class Feed:
    url: str
    title: str
    keyword: str  # a word only the first story has: its watchlist matches that one alone
    titles: list[str]


def article_page(title: str, text: str) -> Page:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    body = (
        f"<html><head><title>{html.escape(title)}</title></head><body><article>"
        f"<h1>{html.escape(title)}</h1>{paragraphs}</article></body></html>"
    )
    return Page(body.encode(), "text/html; charset=utf-8")


def serve_news(feeds: FeedServer, name: str) -> Feed:
    """Two small, never-seen articles (a fresh marker each time) and an RSS feed of them."""
    marker = f"Aurora{uuid.uuid4().hex[:8]}"
    title = f"{name} {uuid.uuid4().hex[:8]}"
    entries, titles = [], []
    for n, (headline, text) in enumerate(STORIES):
        headline, text = headline.format(marker=marker), text.format(marker=marker)
        text += f"\n\n(Ref. {uuid.uuid4().hex})"
        titles.append(headline)
        feeds.put(f"/{title[-8:]}/news/{n}", article_page(headline, text))
        entries.append(
            {
                "guid": f"urn:{title[-8:]}:{n}",
                "link": f"{feeds.base}/{title[-8:]}/news/{n}",
                "title": html.escape(headline),
            }
        )
    url = feeds.put(f"/{title[-8:]}/feed.xml", Page(rss(title, entries)))
    return Feed(url, title, marker, titles)


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with feed_server() as server:
        yield server


def as_json(gateway: str, *args: str) -> Any:
    done = newsflow(gateway, *args, "--json")
    assert done.returncode == OK, done.stderr
    return json.loads(done.stdout)


def lines_of(process: "subprocess.Popen[str]") -> "queue.Queue[str]":
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    return lines


def test_follow_a_feed_and_see_its_alert(
    running: Running, feeds: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # rich's width for the CLI's tables: rows on one line
    gateway = running.gateway
    feed = serve_news(feeds, "CLI feed")
    watchlist = as_json(
        gateway, "watchlists", "add", "cli ferries", "--keyword", feed.keyword,
        "--source", feed.title,
    )  # fmt: skip
    listed = newsflow(gateway, "watchlists", "list")
    assert watchlist["id"] in listed.stdout and feed.keyword in listed.stdout
    follower = subprocess.Popen(
        [NEWSFLOW, "--gateway", gateway, "alerts", "--follow", "--json", "--every", "1",
         "--watchlist", watchlist["id"]],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # Ctrl-C as a terminal sends it, even when pytest itself runs with SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    try:
        arrived = lines_of(follower)
        source = as_json(gateway, "sources", "add", feed.url, "--interval", "60", "--tag", "cli")
        assert source["health"]["last_status"] is None

        # The scheduler's next tick polls it: health ok, both items submitted.
        def polled() -> dict[str, Any] | None:
            found = as_json(gateway, "sources", "list", "--tag", "cli")
            mine = next(s for s in found if s["id"] == source["id"])
            return mine if mine["health"]["items_submitted"] == 2 else None

        health = wait_until(polled, 60, "the first poll", running.stack)["health"]
        assert health["last_status"] == "ok" and health["last_error"] is None
        table = newsflow(gateway, "sources", "list")
        assert table.returncode == OK and source["id"] in table.stdout and "ok" in table.stdout

        shown = as_json(gateway, "sources", "show", source["id"])
        items = {item["title"]: item["article_id"] for item in shown["items"]}
        assert set(items) == set(feed.titles) and all(items.values())
        readable = newsflow(gateway, "sources", "show", source["id"])
        for article_id in items.values():
            assert article_id in readable.stdout

        # --follow prints the alert as it fires: the first story's, and only it.
        first = json.loads(arrived.get(timeout=ALERT_TIMEOUT))
        assert first["article_id"] == items[feed.titles[0]]
        term = next(t for t in first["matched"] if t["kind"] == "keyword")
        assert term["text"] == feed.keyword
    finally:
        follower.send_signal(signal.SIGINT)
        try:
            follower.wait(timeout=30)
        except subprocess.TimeoutExpired:
            follower.kill()
            raise
    assert follower.returncode == OK, follower.stderr.read() if follower.stderr else ""
    assert arrived.empty()

    printed = newsflow(gateway, "alerts", "--watchlist", watchlist["id"])
    assert printed.returncode == OK, printed.stderr
    assert feed.titles[0] in printed.stdout and items[feed.titles[0]] in printed.stdout
    assert f"keyword  {feed.keyword}" in printed.stdout

    # Pause, resume, poll and remove, each answered.
    assert "paused" in newsflow(gateway, "sources", "pause", source["id"]).stdout
    assert as_json(gateway, "sources", "show", source["id"])["source"]["active"] is False
    assert "resumed" in newsflow(gateway, "sources", "resume", source["id"]).stdout
    assert newsflow(gateway, "sources", "poll", source["id"]).returncode == OK
    assert newsflow(gateway, "sources", "remove", source["id"]).returncode == OK
    gone = newsflow(gateway, "sources", "show", source["id"])
    assert gone.returncode == NOT_FOUND and "404" in gone.stderr
    assert newsflow(gateway, "watchlists", "remove", watchlist["id"]).returncode == OK


def test_bad_input_names_the_option_or_the_field(running: Running, feeds: FeedServer) -> None:
    gateway = running.gateway
    feed = serve_news(feeds, "CLI refusals")
    added = as_json(gateway, "sources", "add", feed.url, "--interval", "3600")
    # The gateway's refusal: exit 1 and the problem's field and reason.
    again = newsflow(gateway, "sources", "add", feed.url)
    assert again.returncode == REFUSED
    assert f"body.url: already followed as {added['id']}" in again.stderr
    # Checked before sending: exit 2, naming the option.
    fast = newsflow(gateway, "sources", "add", feed.url + "?b", "--interval", "5")
    assert fast.returncode == USAGE and "--interval" in fast.stderr
    nothing = newsflow(gateway, "watchlists", "add", "empty")
    assert nothing.returncode == USAGE and "at least one criterion" in nothing.stderr
    place = newsflow(gateway, "watchlists", "add", "far", "--place", "95,10,50")
    assert place.returncode == USAGE and "--place" in place.stderr
    unknown = newsflow(gateway, "sources", "pause", "src_nope")
    assert unknown.returncode == NOT_FOUND
    assert newsflow(gateway, "sources", "remove", added["id"]).returncode == OK
