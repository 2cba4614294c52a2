"""Manners towards polled hosts (a real Redis, a loopback server): robots.txt fetched once and
obeyed (a 404 allows all, a 5xx allows nothing), and one request per host per delay, or per the
host's Crawl-delay when that is longer."""

from collections.abc import Mapping

import pytest
from redis import Redis

from services.gateway.monitor.hosts import USER_AGENT, HostManners
from shared.fetch import ANY_MEDIA_TYPE, Fetched, fetch
from shared.settings import Settings
from tests.conftest import RedisServer
from tests.monitor.feedserver import FeedServer, Page

REDIS_DB = 14  # a database of the session's Redis no other test uses


def manners(server: RedisServer, delay: float = 0.0) -> HostManners:
    redis = Redis(port=server.port, db=REDIS_DB)
    redis.flushdb()
    settings = Settings(allow_private_urls=True, host_delay_seconds=delay)

    def fetch_any(url: str, headers: Mapping[str, str]) -> Fetched:
        return fetch(url, settings, accept=(ANY_MEDIA_TYPE,), headers=headers, user_agent="t")

    return HostManners(redis, settings, fetch_any)


def robots(body: str, status: int = 200) -> Page:
    return Page(body.encode(), "text/plain", status=status, etag=False)


def test_robots_txt_is_fetched_once_and_obeyed(
    redis_server: RedisServer, feeds: FeedServer
) -> None:
    feeds.put(
        "/robots.txt", robots(f"User-agent: {USER_AGENT.split('/')[0]}\nDisallow: /private/\n")
    )
    host = manners(redis_server)
    assert host.allowed(f"{feeds.base}/feed.xml")
    assert not host.allowed(f"{feeds.base}/private/feed.xml")
    assert host.allowed(f"{feeds.base}/news/1")
    assert len(feeds.served("/robots.txt")) == 1  # kept in Redis, shared by every poller


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (403, True), (503, False)])
def test_a_robots_txt_that_is_not_there_or_broken(
    redis_server: RedisServer, feeds: FeedServer, status: int, allowed: bool
) -> None:
    feeds.put("/robots.txt", robots("Disallow: /", status=status))
    assert manners(redis_server).allowed(f"{feeds.base}/feed.xml") is allowed


def test_one_request_per_host_per_delay_or_crawl_delay(
    redis_server: RedisServer, feeds: FeedServer
) -> None:
    feeds.put("/robots.txt", robots(""))
    host = manners(redis_server, delay=30)
    assert host.wait_seconds(f"{feeds.base}/a.xml") == 0  # the slot is ours
    wait = host.wait_seconds(f"{feeds.base}/b.xml")  # same host: wait for the slot
    assert 25 < wait <= 30
    assert host.wait_seconds("http://127.0.0.2:9/c.xml") == 0  # another host is not held up

    feeds.put("/robots.txt", robots("User-agent: *\nCrawl-delay: 120\n"))
    slow = manners(redis_server, delay=1)  # a fresh Redis: robots.txt read again
    assert slow.wait_seconds(f"{feeds.base}/a.xml") == 0
    assert 100 < slow.wait_seconds(f"{feeds.base}/a.xml") <= 120
