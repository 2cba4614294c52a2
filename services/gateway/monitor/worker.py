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
from functools import cached_property
from typing import Any

from celery import Task
from celery.signals import beat_init
from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from sqlalchemy import Engine

from services.gateway.corpus.database import connect
from services.gateway.deps import Services
from services.gateway.limits import Admission
from services.gateway.monitor import alerts, sources
from services.gateway.monitor.beat_lock import BeatLock
from services.gateway.monitor.hosts import USER_AGENT, HostManners
from services.gateway.monitor.poll import Poller, SubmitRefused, poll
from services.gateway.problems import Problem
from services.gateway.store import ArticleStore
from services.gateway.submit import submit
from shared import faults
from shared.celery_app import NewsflowCelery, make_celery, module_app
from shared.fetch import ANY_MEDIA_TYPE, Fetched, fetch
from shared.models import ArticleSubmission
from shared.names import TASK_ALERT_DELIVER, TASK_ALERTS_PENDING, TASK_SOURCE_POLL, TASK_SOURCES_DUE
from shared.settings import Settings

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


class Monitor:
    """What the monitor's tasks share: clients made on first use, in the process that uses them
    (a pool process must not share the connections of the parent it forked from)."""

    def __init__(self, settings: Settings, app: NewsflowCelery) -> None:
        self.settings = settings
        self.app = app

    @cached_property
    def redis(self) -> Redis:
        return Redis.from_url(self.settings.redis_url, socket_timeout=10)

    @cached_property
    def engine(self) -> Engine:
        return connect(self.settings.database_url)

    @cached_property
    def services(self) -> Services:
        return Services(
            settings=self.settings,
            redis=self.redis,
            aredis=AsyncRedis.from_url(self.settings.redis_url),  # unused by submit; never connects
            store=ArticleStore(self.redis, self.settings.article_ttl_seconds),
            celery=self.app,
            archive=self.engine,
        )

    def fetch_feed(self, url: str, headers: Mapping[str, str]) -> Fetched:
        return fetch(
            url,
            self.settings,
            accept=FEED_TYPES,
            headers=headers,
            max_bytes=self.settings.feed_max_bytes,
            user_agent=USER_AGENT,
        )

    def fetch_robots(self, url: str, headers: Mapping[str, str]) -> Fetched:
        return fetch(
            url,
            self.settings,
            accept=(ANY_MEDIA_TYPE,),
            headers=headers,
            max_bytes=512 * 1024,
            user_agent=USER_AGENT,
        )

    def manners(self) -> HostManners:
        return HostManners(self.redis, self.settings, self.fetch_robots)

    def submit_item(self, submission: ArticleSubmission, force: bool, owner: str) -> str:
        """Through the gateway's own submission path: same ids, limits and backlog checks."""
        try:
            # A full pipeline refuses it (429): items wait for the next poll.
            accepted = submit(
                self.services, submission, force, owner or None, Admission(self.settings)
            )
        except Problem as exc:
            raise SubmitRefused(f"{exc.status} {exc.title}: {exc.detail}") from exc
        faults.after_submit(self.settings.fault_injection, str(submission.url), accepted.duplicate)
        return accepted.id

    def poller(self) -> Poller:
        return Poller(
            settings=self.settings,
            engine=self.engine,
            fetch=self.fetch_feed,
            robots_allow=self.manners().allowed,
            submit=self.submit_item,
            now=lambda: datetime.now(UTC),
        )

    def hold_the_lease(self) -> None:
        """Only one beat ticks: a second one waits here until the first is gone."""
        redis = Redis.from_url(self.settings.redis_url, socket_timeout=10)
        lock = BeatLock(redis, 3 * self.settings.sources_tick_seconds)
        lock.acquire()
        # Beat ends by SystemExit on SIGTERM/SIGINT: hand the lease back then, so a restarted or
        # rolled-out scheduler ticks at once instead of waiting for it to lapse.
        atexit.register(lock.release)

    def sources_due(self) -> int:
        """Claim every due source and queue its poll."""
        now = datetime.now(UTC)
        claimed = 0
        with self.engine.begin() as conn:
            due = sources.due(conn, now, DUE_BATCH)
        for source_id in due:
            with self.engine.begin() as conn:
                if not sources.claim(conn, source_id, now, self.settings.poll_lease_seconds):
                    continue
            self.app.send_task(TASK_SOURCE_POLL, args=[source_id])
            claimed += 1
        return claimed

    def alerts_pending(self) -> int:
        """Queue the delivery of every alert whose webhook is not delivered yet (a collector
        killed after firing it, a receiver that was down): at least once."""
        with self.engine.connect() as conn:
            pending = alerts.undelivered(
                conn,
                datetime.now(UTC),
                self.settings.alerts_pending_seconds,
                self.settings.alert_max_deliveries,
            )
        for alert_id in pending:
            self.app.send_task(TASK_ALERT_DELIVER, args=[alert_id])
        return len(pending)


def create_app(settings: Settings) -> NewsflowCelery:
    app = make_celery("monitor", settings)
    app.conf.beat_scheduler = "celery.beat:Scheduler"  # in memory: no schedule file to keep
    app.conf.beat_schedule = {
        "sources-due": {"task": TASK_SOURCES_DUE, "schedule": settings.sources_tick_seconds},
        "alerts-pending": {
            "task": TASK_ALERTS_PENDING,
            "schedule": settings.alerts_pending_seconds,
        },
    }
    monitor = Monitor(settings, app)

    @beat_init.connect(weak=False)
    def _hold_the_lease(**_: Any) -> None:
        monitor.hold_the_lease()

    @app.task(shared=False, name=TASK_SOURCES_DUE)
    def sources_due() -> int:
        return monitor.sources_due()

    @app.task(shared=False, name=TASK_SOURCE_POLL, bind=True, max_retries=None)
    def poll_source(self: Task, source_id: str) -> str:
        with monitor.engine.connect() as conn:
            row = sources.get_any(conn, source_id)
        if row is None:
            return "skipped: gone"
        wait = monitor.manners().wait_seconds(row.url)
        if wait > 0:  # another poll of this host is too recent: come back when it is polite
            raise self.retry(countdown=wait)
        report = poll(monitor.poller(), source_id)
        return f"{report.status}: {report.new} new, {report.changed} changed of {report.items}"

    @app.task(shared=False, name=TASK_ALERTS_PENDING)
    def alerts_pending() -> int:
        return monitor.alerts_pending()

    return app


__getattr__ = module_app(create_app)  # ``app``, for ``celery --app``
