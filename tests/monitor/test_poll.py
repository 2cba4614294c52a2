"""One source followed over several polls (poll.py against a loopback feed server and a real
archive on both back-ends): each item submitted once, a changed one run again, a 304 costing
nothing, errors backed off and recovered from, and a bad feed refused with its reason."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from services.gateway.monitor import items, sources
from services.gateway.monitor.poll import Poller, SubmitRefused, poll
from shared.fetch import Fetched, fetch
from shared.models import ArticleSubmission
from shared.models.sources import SourceCreate
from shared.settings import Settings
from tests.monitor.feedserver import FeedServer, Page, rss

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


@dataclass
class Submissions:
    """What the gateway's submit would have received; ids as the gateway makes them (by URL)."""

    made: list[tuple[str, bool]] = field(default_factory=list)
    refuse_after: int | None = None

    def __call__(self, submission: ArticleSubmission, force: bool, owner: str) -> str:
        if self.refuse_after is not None and len(self.made) >= self.refuse_after:
            raise SubmitRefused("429 Too many requests: the ingest queue is full")
        self.made.append((str(submission.url), force))
        return "a_" + str(submission.url).rsplit("/", 1)[-1]


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now


def make_poller(engine: Engine, submit: Submissions, clock: Clock, allow: bool = True) -> Poller:
    settings = Settings(allow_private_urls=True, feed_max_items=50)

    def fetch_feed(url: str, headers: Mapping[str, str]) -> Fetched:
        return fetch(
            url,
            settings,
            accept=("application/rss+xml", "text/html"),
            headers=headers,
            user_agent="test",
        )

    return Poller(settings, engine, fetch_feed, lambda url: allow, submit, clock)


def item(n: int, text: str = "") -> dict[str, str]:
    return {
        "guid": f"urn:item:{n}",
        "link": f"http://news.invalid/story/{n}",
        "title": f"Story {n}",
        "description": f"What happened in story {n}. {text}",
        "pubDate": "Mon, 30 Nov 2026 10:00:00 GMT",
    }


def follow(engine: Engine, url: str) -> str:
    with engine.begin() as conn:
        return sources.create(conn, "", SourceCreate(url=url, interval_seconds=600), T0).id


def test_a_feed_followed_over_several_polls(engine: Engine, feeds: FeedServer) -> None:
    url = feeds.put("/world.xml", Page(rss("World", [item(1), item(2), item(3)])))
    source_id = follow(engine, url)
    submit, clock = Submissions(), Clock()
    poller = make_poller(engine, submit, clock)

    first = poll(poller, source_id)
    assert (first.status, first.items, first.new) == ("ok", 3, 3)
    assert [u for u, _ in submit.made] == [f"http://news.invalid/story/{n}" for n in (1, 2, 3)]
    assert first.next_poll_at == T0 + timedelta(seconds=600)

    clock.now += timedelta(minutes=10)
    second = poll(poller, source_id)
    assert second.status == "not_modified"  # the ETag came back: 304, nothing parsed
    assert feeds.served("/world.xml")[-1].headers.get("if-none-match")
    assert len(submit.made) == 3

    # Item 4 is added, item 2 is updated (new text), item 1 is gone from the feed.
    feeds.put("/world.xml", Page(rss("World", [item(4), item(2, "Updated."), item(3)])))
    clock.now += timedelta(minutes=10)
    third = poll(poller, source_id)
    assert (third.new, third.changed, third.items) == (1, 1, 3)
    assert submit.made[3:] == [
        ("http://news.invalid/story/4", False),
        ("http://news.invalid/story/2", True),  # run again: its content changed
    ]
    with engine.connect() as conn:
        kept = {r.guid: r for r in items.newest(conn, source_id, 10)}
        health = sources.get(conn, "", source_id)
    assert kept["urn:item:2"].runs == 2 and kept["urn:item:1"].runs == 1
    assert health is not None and health.kind == "rss" and health.title == "World"
    assert health.health.items_submitted == 5 and health.health.last_status == "ok"


def test_the_same_article_from_a_second_feed_is_a_duplicate(
    engine: Engine, feeds: FeedServer
) -> None:
    first = follow(engine, feeds.put("/a.xml", Page(rss("A", [item(1)]))))
    # The same story under another GUID, with tracking parameters on its link.
    copy = {**item(1), "guid": "other-guid", "link": "http://news.invalid/story/1?utm_source=rss"}
    second = follow(engine, feeds.put("/b.xml", Page(rss("B", [copy]))))
    submit = Submissions()
    poller = make_poller(engine, submit, Clock())
    poll(poller, first)
    report = poll(poller, second)
    assert (report.new, report.duplicates) == (0, 1)
    assert len(submit.made) == 1
    with engine.connect() as conn:
        [record] = items.newest(conn, second, 10)
    assert record.outcome == "duplicate" and record.article_id == "a_1"


def test_errors_back_off_and_a_recovery_resets_them(engine: Engine, feeds: FeedServer) -> None:
    url = feeds.put("/flaky.xml", Page(b"busy", "text/plain", status=503, etag=False))
    source_id = follow(engine, url)
    clock = Clock()
    poller = make_poller(engine, Submissions(), clock)
    first = poll(poller, source_id)
    assert first.status == "error" and "503" in (first.error or "")
    assert first.next_poll_at == T0 + timedelta(seconds=1200)  # the interval, doubled
    clock.now += timedelta(minutes=20)
    second = poll(poller, source_id)
    assert second.next_poll_at == clock.now + timedelta(seconds=2400)  # doubled again
    feeds.put("/flaky.xml", Page(rss("Back", [item(7)])))
    clock.now += timedelta(minutes=40)
    third = poll(poller, source_id)
    assert (third.status, third.new) == ("ok", 1)
    with engine.connect() as conn:
        health = sources.get(conn, "", source_id)
    assert health is not None
    assert health.health.consecutive_errors == 0 and health.health.last_error is None


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        (Page(b"<html><body>Hello</body></html>", "text/html"), "html"),
        (Page(b"<rss><channel><item><title>broken", "application/rss+xml"), "xml"),
    ],
)
def test_a_page_that_is_not_a_feed_is_an_error_with_its_reason(
    engine: Engine, feeds: FeedServer, page: Page, reason: str
) -> None:
    source_id = follow(engine, feeds.put("/bad.xml", page))
    report = poll(make_poller(engine, Submissions(), Clock()), source_id)
    assert report.status == "error"
    assert reason in (report.error or "").lower()


def test_a_huge_feed_is_cut_off_with_a_clear_error(engine: Engine, feeds: FeedServer) -> None:
    body = rss("Huge", [item(n, "x" * 2000) for n in range(3000)])  # ~6.5 MB
    source_id = follow(engine, feeds.put("/huge.xml", Page(body)))
    settings = Settings(allow_private_urls=True, url_max_bytes=1_000_000)

    def capped(url: str, headers: Mapping[str, str]) -> Fetched:
        return fetch(
            url,
            settings,
            accept=("application/rss+xml",),
            headers=headers,
            user_agent="test",
            max_bytes=1_000_000,
        )

    submit = Submissions()
    poller = Poller(settings, engine, capped, lambda url: True, submit, Clock())
    report = poll(poller, source_id)
    assert report.status == "error" and "1000000" in (report.error or "").replace(",", "")
    assert submit.made == []


def test_items_the_gateway_refuses_are_read_again_at_the_next_poll(
    engine: Engine, feeds: FeedServer
) -> None:
    source_id = follow(
        engine, feeds.put("/busy.xml", Page(rss("Busy", [item(n) for n in range(5)])))
    )
    submit, clock = Submissions(refuse_after=2), Clock()
    poller = make_poller(engine, submit, clock)
    first = poll(poller, source_id)
    assert (first.status, first.new) == ("ok", 2)
    submit.refuse_after = None
    clock.now += timedelta(minutes=10)
    second = poll(poller, source_id)  # no 304: the validators were not kept
    assert second.new == 3
    assert sorted(u for u, _ in submit.made) == sorted(
        f"http://news.invalid/story/{n}" for n in range(5)
    )


def test_robots_txt_refusing_an_item_is_recorded_not_submitted(
    engine: Engine, feeds: FeedServer
) -> None:
    source_id = follow(engine, feeds.put("/r.xml", Page(rss("R", [item(1), item(2)]))))
    submit = Submissions()
    settings = Settings(allow_private_urls=True)

    def fetch_feed(url: str, headers: Mapping[str, str]) -> Fetched:
        return fetch(
            url, settings, accept=("application/rss+xml",), headers=headers, user_agent="t"
        )

    poller = Poller(
        settings, engine, fetch_feed, lambda url: not url.endswith("/2"), submit, Clock()
    )
    report = poll(poller, source_id)
    assert (report.new, report.refused) == (1, 1)
    with engine.connect() as conn:
        refused = [r for r in items.newest(conn, source_id, 10) if r.outcome == "refused"]
    assert [r.url for r in refused] == ["http://news.invalid/story/2"]
    assert "robots.txt" in (refused[0].reason or "")


NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>http://news.invalid/story/{n}</loc>
    <news:news><news:publication><news:name>Wire</news:name><news:language>en</news:language>
    </news:publication><news:publication_date>2026-11-30T10:00:00Z</news:publication_date>
    <news:title>Story {n}</news:title></news:news></url>
</urlset>"""


def test_a_sitemap_index_is_read_through_its_children_a_bad_one_skipped(
    engine: Engine, feeds: FeedServer
) -> None:
    good = feeds.put("/news-1.xml", Page(NEWS_SITEMAP.format(n=1).encode(), "application/xml"))
    bad = feeds.put("/news-2.xml", Page(b"<html>gone</html>", "text/html"))
    index = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{good}</loc></sitemap><sitemap><loc>{bad}</loc></sitemap>"
        "</sitemapindex>"
    )
    source_id = follow(engine, feeds.put("/index.xml", Page(index.encode(), "application/xml")))
    submit = Submissions()
    settings = Settings(allow_private_urls=True)

    def fetch_any(url: str, headers: Mapping[str, str]) -> Fetched:
        return fetch(
            url, settings, accept=("application/xml", "text/html"), headers=headers, user_agent="t"
        )

    report = poll(Poller(settings, engine, fetch_any, lambda url: True, submit, Clock()), source_id)
    assert (report.status, report.new) == ("ok", 1)
    assert submit.made == [("http://news.invalid/story/1", False)]
    with engine.connect() as conn:
        found = sources.get(conn, "", source_id)
    assert found is not None and found.kind == "sitemap"
    assert any("child sitemap skipped" in note for note in found.health.notes)
