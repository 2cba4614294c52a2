"""The monitor's Celery app: the scheduler (``celery beat``) and the poller (a worker on
queue ``sources``), both ``services.gateway.monitor.worker`` (services/stack.py runs them).

Beat sends one ``sources.due`` tick every SOURCES_TICK_SECONDS and one ``alerts.pending`` every
ALERTS_PENDING_SECONDS; it keeps no schedule file (the ticks are plain intervals), and only the
beat holding the lease in Redis ticks (beat_lock.py). The poller claims each due source and
polls it (poll.py), at most one request per host per politeness delay (hosts.py).
"""

import atexit
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from celery import Task
from celery.signals import beat_init
from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from sqlalchemy import Engine

from services.gateway.corpus.database import connect
from services.gateway.deps import Services
from services.gateway.limits import check_backlog
from services.gateway.monitor import alerts, sources
from services.gateway.monitor.beat_lock import BeatLock
from services.gateway.monitor.hosts import USER_AGENT, HostManners
from services.gateway.monitor.poll import Poller, SubmitRefused, poll
from services.gateway.problems import Problem
from services.gateway.store import ArticleStore
from services.gateway.submit import submit
from shared import faults
from shared.celery_app import make_celery
from shared.fetch import ANY_MEDIA_TYPE, Fetched, fetch
from shared.models import ArticleSubmission
from shared.names import TASK_ALERT_DELIVER, TASK_ALERTS_PENDING, TASK_SOURCE_POLL, TASK_SOURCES_DUE
from shared.settings import Settings, get_settings

log = logging.getLogger(__name__)
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
    "text/html",  # refused by the parser with a clear reason ("an HTML page, not a feed")
    "text/plain",
)
DUE_BATCH = 500  # sources claimed per tick; more wait for the next one


def create_app(settings: Settings) -> Any:
    app = make_celery("monitor", settings)
    app.conf.beat_scheduler = "celery.beat:Scheduler"  # in memory: no schedule file to keep
    app.conf.beat_schedule = {
        "sources-due": {"task": TASK_SOURCES_DUE, "schedule": settings.sources_tick_seconds},
        "alerts-pending": {
            "task": TASK_ALERTS_PENDING,
            "schedule": settings.alerts_pending_seconds,
        },
    }
    return app


settings = get_settings()
app = create_app(settings)
_parts: dict[str, Any] = {}


def _redis() -> Redis:
    if "redis" not in _parts:
        _parts["redis"] = Redis.from_url(settings.redis_url, socket_timeout=10)
    redis: Redis = _parts["redis"]
    return redis


def _engine() -> Engine:
    """Per process: a pool process must not share the connections of the parent it forked."""
    if "engine" not in _parts:
        _parts["engine"] = connect(settings.database_url)
    engine: Engine = _parts["engine"]
    return engine


def _services() -> Services:
    if "services" not in _parts:
        redis = _redis()
        _parts["services"] = Services(
            settings=settings,
            redis=redis,
            aredis=AsyncRedis.from_url(settings.redis_url),  # unused by submit; never connects
            store=ArticleStore(redis, settings.article_ttl_seconds),
            celery=app,
            archive=_engine(),
        )
    services: Services = _parts["services"]
    return services


def fetch_feed(url: str, headers: Mapping[str, str]) -> Fetched:
    return fetch(
        url,
        settings,
        accept=FEED_TYPES,
        headers=headers,
        max_bytes=settings.feed_max_bytes,
        user_agent=USER_AGENT,
    )


def fetch_robots(url: str, headers: Mapping[str, str]) -> Fetched:
    return fetch(
        url,
        settings,
        accept=(ANY_MEDIA_TYPE,),
        headers=headers,
        max_bytes=512 * 1024,
        user_agent=USER_AGENT,
    )


def manners() -> HostManners:
    return HostManners(_redis(), settings, fetch_robots)


def submit_item(submission: ArticleSubmission, force: bool, owner: str) -> str:
    """Through the gateway's own submission path: same ids, limits and backlog checks."""
    try:
        check_backlog(_redis(), settings)  # a full pipeline: the items wait for the next poll
        accepted = submit(_services(), submission, force=force, owner=owner or None)
    except Problem as exc:
        raise SubmitRefused(f"{exc.status} {exc.title}: {exc.detail}") from exc
    faults.after_submit(settings.fault_injection, str(submission.url), accepted.duplicate)
    return accepted.id


def poller() -> Poller:
    return Poller(
        settings=settings,
        engine=_engine(),
        fetch=fetch_feed,
        robots_allow=manners().allowed,
        submit=submit_item,
        now=lambda: datetime.now(UTC),
    )


@beat_init.connect
def _hold_the_lease(**_: Any) -> None:
    """Only one beat ticks: a second one waits here until the first is gone."""
    lock = BeatLock(
        Redis.from_url(settings.redis_url, socket_timeout=10), 3 * settings.sources_tick_seconds
    )
    lock.acquire()
    # Beat ends by SystemExit on SIGTERM/SIGINT: hand the lease back then, so a restarted or
    # rolled-out scheduler ticks at once instead of waiting for it to lapse.
    atexit.register(lock.release)


@app.task(name=TASK_SOURCES_DUE)
def sources_due() -> int:
    """Claim every due source and queue its poll."""
    now = datetime.now(UTC)
    claimed = 0
    with _engine().begin() as conn:
        due = sources.due(conn, now, DUE_BATCH)
    for source_id in due:
        with _engine().begin() as conn:
            if not sources.claim(conn, source_id, now, settings.poll_lease_seconds):
                continue
        app.send_task(TASK_SOURCE_POLL, args=[source_id])
        claimed += 1
    return claimed


@app.task(name=TASK_SOURCE_POLL, bind=True, max_retries=None)
def poll_source(self: Task, source_id: str) -> str:
    with _engine().connect() as conn:
        row = sources.get_any(conn, source_id)
    if row is None:
        return "skipped: gone"
    wait = manners().wait_seconds(row.url)
    if wait > 0:  # another poll of this host is too recent: come back when it is polite
        raise self.retry(countdown=wait)
    report = poll(poller(), source_id)
    return f"{report.status}: {report.new} new, {report.changed} changed of {report.items}"


@app.task(name=TASK_ALERTS_PENDING)
def alerts_pending() -> int:
    """Queue the delivery of every alert whose webhook is not delivered yet (a collector killed
    after firing it, a receiver that was down): at least once."""
    with _engine().connect() as conn:
        pending = alerts.undelivered(
            conn, datetime.now(UTC), settings.alerts_pending_seconds, settings.alert_max_deliveries
        )
    for alert_id in pending:
        app.send_task(TASK_ALERT_DELIVER, args=[alert_id])
    return len(pending)
