"""The monitoring part of ``make test-compose``: a feed followed under compose.

A feed server (tests/compose/monitor.yml) serves a feed and its article pages from a directory
this module writes; the compose scheduler and poller poll it, its items become articles, a
watchlist raises its alert, a grown feed brings its new item, an unchanged one answers 304.
"""

import html
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "summaries-small.jsonl"
FEED_URL = "http://feeds:8080/feed.xml"
LOCK_KEY = "newsflow:scheduler-lock"


def write_feed(folder: Path, count: int) -> list[dict[str, Any]]:
    """The first ``count`` fixture articles as pages, and a feed of them; returns the articles."""
    articles = [json.loads(line) for line in FIXTURES.read_text().splitlines()][:count]
    (folder / "news").mkdir(exist_ok=True, mode=0o755)
    items = []
    for n, article in enumerate(articles):
        title = html.escape(article["title"])
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in article["article"].split("\n\n"))
        page = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        (folder / "news" / f"{n}.html").write_text(page + paragraphs + "</article></body></html>")
        link = f"http://feeds:8080/news/{n}.html"
        items.append(f"<item><guid>{link}</guid><link>{link}</link><title>{title}</title></item>")
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        "<title>Compose test feed</title><link>http://feeds:8080/</link><description>t"
        f"</description>{''.join(items)}</channel></rss>"
    )
    (folder / "feed.xml").write_text(feed)
    for path in [folder / "feed.xml", *sorted((folder / "news").iterdir())]:
        path.chmod(0o644)
    return articles


def check_monitoring(
    gateway: str,
    folder: Path,
    redis_container: list[str],
    wait_for: Callable[..., Any],
    log: Callable[[str], None],
) -> None:
    lease = subprocess.run(
        [*redis_container, "redis-cli", "exists", LOCK_KEY],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.strip()
    assert lease == "1", f"no scheduler holds the lease ({lease!r})"
    log("scheduler: holds the lease in Redis")
    articles = write_feed(folder, 2)
    keyword = max(articles[1]["title"].split(), key=len)
    with httpx.Client(base_url=gateway, timeout=30) as client:
        watch = (
            client.post("/watchlists", json={"name": "compose", "query": {"keywords": [keyword]}})
            .raise_for_status()
            .json()
        )
        source = client.post("/sources", json={"url": FEED_URL, "interval_seconds": 60})
        source_id = source.raise_for_status().json()["id"]

        def items(count: int) -> list[dict[str, Any]] | None:
            found: list[dict[str, Any]] = client.get(f"/sources/{source_id}/items").json()
            return found if len(found) == count else None

        found = wait_for(lambda: items(2), 120, "the scheduler's first poll of the feed")
        for item in found:
            wait_for(
                lambda i=item: (
                    client.get(f"/articles/{i['article_id']}").json()["status"] == "done"
                ),
                180,
                f"{item['url']} done",
            )
        health = client.get(f"/sources/{source_id}").json()["health"]
        log(f"source {source_id}: {health['last_status']}, {health['items_submitted']} articles")

        def alerts() -> list[dict[str, Any]] | None:
            page = client.get("/alerts", params={"watchlist": watch["id"]}).json()
            return page["items"] or None

        (alert,) = wait_for(alerts, 60, "the watchlist's alert")
        assert alert["article_id"] == next(
            i["article_id"] for i in found if i["url"].endswith("/1.html")
        )
        log(f"alert for {keyword!r}: {alert['title']!r}, {len(alert['matched'])} matched terms")

        client.post(f"/sources/{source_id}/poll").raise_for_status()
        wait_for(
            lambda: (
                client.get(f"/sources/{source_id}").json()["health"]["last_status"]
                == "not_modified"
            ),
            60,
            "an unchanged feed answered 304",
        )
        write_feed(folder, 3)
        client.post(f"/sources/{source_id}/poll").raise_for_status()
        grown = wait_for(lambda: items(3), 120, "the grown feed's new item")
        log(f"feed grown: {len(grown)} items, each once: {sorted(i['runs'] for i in grown)}")
        assert all(i["runs"] == 1 and i["outcome"] == "submitted" for i in grown)
