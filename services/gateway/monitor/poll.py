"""One poll of one source: a conditional fetch, the feed parsed, each new item submitted once.

The core of the poller, with its I/O passed in (``Poller``), so tests drive it against a local
HTTP server and a real database, and the Celery task (worker.py) is only the shell around it.

Each item is decided in order: a GUID seen before with the same content is skipped; with changed
content its article is run again; a new GUID whose canonical URL or content another item already
became is recorded as that article's duplicate; otherwise it is submitted, if robots.txt allows.
An item is recorded only after its submission was accepted, and a submission is idempotent (the
article id comes from the URL), so a poller killed between the two submits nothing twice.
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, Row
from sqlalchemy.exc import IntegrityError

from services.gateway.monitor import items, sources
from services.gateway.monitor.canonical import canonical_url
from services.gateway.monitor.feeds import FeedError, FeedItem, FeedPage, parse_feed
from shared.fetch import Fetched, FetchError
from shared.models import ArticleSubmission
from shared.models.sources import PollReport
from shared.settings import Settings

log = logging.getLogger(__name__)

# A fetch of the feed, with the conditional headers of the last answer.
Fetch = Callable[[str, Mapping[str, str]], Fetched]
# Whether robots.txt lets us fetch a URL.
RobotsCheck = Callable[[str], bool]
# Submit an article (force: run again) for an owner; the article's id.
Submit = Callable[[ArticleSubmission, bool, str], str]


class SubmitRefused(Exception):
    """The gateway would not take the item now (backlog full, rate): try at the next poll."""


@dataclass(frozen=True)
class Poller:
    settings: Settings
    engine: Engine
    fetch: Fetch
    robots_allow: RobotsCheck
    submit: Submit
    now: Callable[[], datetime]


@dataclass
class _Counts:
    new: int = 0
    changed: int = 0
    duplicates: int = 0
    refused: int = 0
    left: int = 0  # not handled (the gateway refused): the next poll reads them again


def backoff(settings: Settings, interval: int, errors: int, retry_after: float | None) -> float:
    """Seconds to the next poll after ``errors`` failures in a row: the interval doubled per
    failure, capped, and never sooner than the server's Retry-After."""
    seconds = min(interval * 2 ** min(errors, 16), settings.max_poll_backoff_seconds)
    return float(max(seconds, retry_after or 0.0))


def conditional_headers(row: Row[Any]) -> dict[str, str]:
    headers = {}
    if row.etag:
        headers["If-None-Match"] = row.etag
    if row.last_modified:
        headers["If-Modified-Since"] = row.last_modified
    return headers


def poll(poller: Poller, source_id: str) -> PollReport:
    with poller.engine.connect() as conn:
        row = sources.get_any(conn, source_id)
    if row is None or not row.active:
        return PollReport(source_id=source_id, status="skipped")
    started = poller.now()
    try:
        if not poller.robots_allow(row.url):
            raise FetchError("robots.txt disallows this feed", url=row.url, retryable=True)
        fetched = poller.fetch(row.url, conditional_headers(row))
        if fetched.status == 304:
            return _finish(
                poller,
                row,
                started,
                sources.PollOutcome("not_modified", started, _next(poller, row, started)),
            )
        page = _read(poller, fetched)
        if not page.items and page.notes:  # nothing usable: say why, as an error
            raise FeedError("; ".join(page.notes))
    except (FetchError, FeedError) as exc:
        retry_after = getattr(exc, "retry_after", None)
        wait = backoff(
            poller.settings, row.interval_seconds, row.consecutive_errors + 1, retry_after
        )
        outcome = sources.PollOutcome(
            "error", started, started + timedelta(seconds=wait), error=str(exc)[:1000]
        )
        return _finish(poller, row, started, outcome)
    counts = _Counts()
    for position, item in enumerate(page.items):
        try:
            _handle(poller, row, page, item, counts)
        except SubmitRefused as exc:
            counts.left = len(page.items) - position  # this one and every one after it
            log.warning(
                "source %s: %s; %d items left for the next poll", source_id, exc, counts.left
            )
            break
    complete = counts.left == 0
    outcome = sources.PollOutcome(
        "ok",
        started,
        _next(poller, row, started),
        kind=page.kind,
        title=page.title,
        # Validators only when every item was handled: a 304 must not hide the ones left over.
        etag=fetched.etag if complete else None,
        last_modified=fetched.last_modified if complete else None,
        items=len(page.items),
        new=counts.new + counts.changed,
        notes=tuple(page.notes),
    )
    report = _finish(poller, row, started, outcome)
    return report.model_copy(
        update={
            "new": counts.new,
            "changed": counts.changed,
            "duplicates": counts.duplicates,
            "refused": counts.refused,
        }
    )


def _next(poller: Poller, row: Row[Any], started: datetime) -> datetime:
    return started + timedelta(seconds=row.interval_seconds)


def _read(poller: Poller, fetched: Fetched) -> FeedPage:
    """The feed's items; a sitemap index's child sitemaps are read too, a bounded number."""
    limit = poller.settings.feed_max_items
    page = parse_feed(
        fetched.body, content_type=fetched.media_type, base_url=fetched.url, max_items=limit
    )
    found, notes = list(page.items), list(page.notes)
    for url in page.sitemaps[: poller.settings.sitemap_max_children]:
        if len(found) >= limit:
            break
        try:  # one bad child sitemap costs its own items, not the index's others
            child = poller.fetch(url, {})
            found.extend(
                parse_feed(
                    child.body, content_type=child.media_type, base_url=child.url, max_items=limit
                ).items
            )
        except (FetchError, FeedError) as exc:
            notes.append(f"child sitemap skipped: {exc}"[:300])
    return page.model_copy(update={"items": found[:limit], "sitemaps": [], "notes": notes})


def _seen(row: Row[Any], item: FeedItem) -> items.Seen:
    return items.Seen(
        source_id=row.id,
        owner=row.owner,
        guid=item.guid,
        url=item.url,
        title=item.title,
        guid_key=items.digest(item.guid),
        url_key=items.digest(canonical_url(item.url)),
        content_key=item.content_hash,
    )


def _submission(row: Row[Any], page: FeedPage, item: FeedItem) -> ArticleSubmission:
    """The item's link with what the feed says of it; its source is the feed's title (as this
    poll read it), else the feed's host."""
    source = page.title or row.title or urlsplit(row.url).hostname or None
    return ArticleSubmission(
        url=item.url,
        title=item.title[:1000] if item.title else None,
        source=source[:200] if source else None,
        published_at=item.published_at,
        language=row.language,
    )


def _handle(poller: Poller, row: Row[Any], page: FeedPage, item: FeedItem, counts: _Counts) -> None:
    seen = _seen(row, item)
    now = poller.now()
    with poller.engine.begin() as conn:
        before = items.known(conn, seen)
        duplicate_of = None if before is not None else items.same_article(conn, seen)
    if before is not None:
        changed = before.content_key != seen.content_key and before.outcome == "submitted"
        if changed:
            poller.submit(_submission(row, page, item), True, row.owner)
            counts.changed += 1
        with poller.engine.begin() as conn:
            items.seen_again(conn, seen, now, rerun=changed)
        return
    if duplicate_of is not None:
        counts.duplicates += 1
        with poller.engine.begin() as conn:
            items.add(conn, seen, now, "duplicate", duplicate_of)
        return
    if not poller.robots_allow(item.url):
        counts.refused += 1
        with poller.engine.begin() as conn:
            items.add(conn, seen, now, "refused", None, "robots.txt disallows this URL")
        return
    article_id = poller.submit(_submission(row, page, item), False, row.owner)
    counts.new += 1
    try:
        with poller.engine.begin() as conn:
            items.add(conn, seen, now, "submitted", article_id)
    except IntegrityError:
        # A poll asked for by hand raced the scheduled one: it recorded the item first, and the
        # submission above found the article already queued.
        counts.new -= 1


def _finish(
    poller: Poller, row: Row[Any], started: datetime, outcome: sources.PollOutcome
) -> PollReport:
    with poller.engine.begin() as conn:
        sources.record(conn, row.id, outcome)
    if outcome.status == "error":
        log.warning("polling source %s failed: %s", row.id, outcome.error)
    return PollReport(
        source_id=row.id,
        status=outcome.status,
        items=outcome.items,
        error=outcome.error,
        next_poll_at=outcome.next_poll_at,
    )
