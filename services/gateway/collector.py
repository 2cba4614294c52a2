"""The collector: a Celery worker on queue ``results`` that folds stage outcomes into articles.

Run as its own process (``celery -A services.gateway.collector worker -Q results``); it shares the
gateway's store code and imports no NLP package.
"""

import logging
import time
from datetime import UTC, datetime
from typing import Any

from celery import Task
from celery.signals import worker_ready, worker_shutdown
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from services.gateway.corpus import archive as corpus
from services.gateway.corpus.database import connect, upgrade
from services.gateway.merge import merge_outcome
from services.gateway.monitor import alerts
from services.gateway.monitor.watchlists import IndexCache
from services.gateway.store import ArticleStore
from services.gateway.sweeper import Sweeper
from shared import faults
from shared.celery_app import make_celery
from shared.metrics.tasks import RUNS_FINISHED
from shared.models import ArticleEvent, ArticleResult, StageOutcome
from shared.names import TASK_ALERT_DELIVER, TASK_CALLBACK, TASK_COLLECT
from shared.settings import get_settings

log = logging.getLogger(__name__)
settings = get_settings()
app = make_celery("collector", settings)
# Flower shows the stage tasks, which is what operators watch; the collector's three bookkeeping
# tasks per article send no task events, which cost a fifth of its CPU (docs/performance.md).
# Its worker still sends heartbeats, so Flower lists it; its failures are logged and retried.
app.conf.worker_send_task_events = False
_store: ArticleStore | None = None
_engine: Engine | None = None
_watch = IndexCache()


def store() -> ArticleStore:
    global _store
    if _store is None:
        _store = ArticleStore(Redis.from_url(settings.redis_url), settings.article_ttl_seconds)
    return _store


def archive_engine() -> Engine:
    """Per process: a pool process must not share the connections of the parent it forked from."""
    global _engine
    if _engine is None:
        _engine = connect(settings.database_url)
    return _engine


def after_events(
    article_id: str, events: list[ArticleEvent], result: ArticleResult | None = None
) -> None:
    """A run that just ended ``done`` goes into the archive; then any ended run notifies its
    callback URL, through the ``callbacks`` queue (services/gateway/notifier.py), so a slow
    receiver never holds up collection. Archived first: a receiver may search for it at once.
    ``result`` is the record as just written, if the caller has it (else it is read again)."""
    for event in events:
        if event.type in ("done", "failed"):
            RUNS_FINISHED.labels(event.type).inc()
    if any(e.type == "done" for e in events):
        archive_article(article_id, result)
    if any(e.type in ("done", "failed") for e in events):
        send_callback(article_id, result)


def archive_article(article_id: str, result: ArticleResult | None = None) -> None:
    """Write a finished article to the archive, then take it off the store's archive outbox.

    A database error leaves it there: the article is done and served from Redis meanwhile, and
    the sweeper archives it on a later pass (docs/reliability.md).
    """
    result = result or store().get(article_id)
    if result is not None and result.status == "done":
        # Injected faults strike the collect task only, never the sweeper's thread.
        strike = settings.fault_injection and app.current_task is not None
        text = result.document.text if result.document else None
        faults.around_archive(strike, text, written=False)
        try:
            corpus.archive(archive_engine(), result)
            fired = fire_alerts(result)
        except Exception:  # a database error, or a bug: neither may stop collection or a sweep
            log.exception("archiving %s failed; the sweeper will retry", article_id)
            return
        faults.around_archive(strike, text, written=True)
        for alert_id in fired:
            app.send_task(TASK_ALERT_DELIVER, args=[alert_id])
    store().archived(article_id)


def fire_alerts(result: ArticleResult) -> list[int]:
    """Match the archived article against its owner's watchlists (monitor/alerts.py): before it
    leaves the outbox, so a collector killed here fires them when the sweeper archives it again.
    Alerts whose delivery is not sent here are sent by the scheduler's ``alerts.pending``."""
    with corpus.write_transaction(archive_engine()) as conn, conn.begin():
        return alerts.fire(conn, _watch, result, datetime.now(UTC))


def send_callback(article_id: str, result: ArticleResult | None = None) -> None:
    """Queue an ended run's callback, then take it off the store's outbox (where the run's end
    put it). A collector that dies in between leaves it there, and the sweeper sends it again;
    the callback task's per-run marker keeps a second send to one delivery."""
    result = result or store().get(article_id)
    if result is not None and result.status in ("done", "failed") and result.callback_url:
        # Injected faults strike the collect task only, never the sweeper's thread.
        strike = settings.fault_injection and app.current_task is not None
        text = result.document.text if result.document else None
        faults.around_callback(strike, text, sent=False)
        app.send_task(TASK_CALLBACK, args=[result.id, result.run_id])
        faults.around_callback(strike, text, sent=True)
    store().callback_queued(article_id)


_sweeper: Sweeper | None = None


def migrate_archive(attempts: int, pause_seconds: float = 1.0) -> None:
    """Bring the archive's schema up to date before collecting: the database may still be
    starting (compose starts them together), so it is tried ``attempts`` times."""
    for attempt in range(1, attempts + 1):
        engine = connect(settings.database_url)
        try:
            upgrade(engine)
            return
        except OperationalError:
            if attempt == attempts:
                raise
            log.warning("archive database not reachable (attempt %d); retrying", attempt)
            time.sleep(pause_seconds)
        finally:
            engine.dispose()


@worker_ready.connect
def _start_sweeper(**_: Any) -> None:
    """In the collector's main process: migrations, then the timer that re-drives or fails
    stalled runs and archives what a dead process left unarchived."""
    global _sweeper
    migrate_archive(settings.redis_connect_retries + 1)
    sweeper_store = ArticleStore(Redis.from_url(settings.redis_url), settings.article_ttl_seconds)
    _sweeper = Sweeper(
        sweeper_store, app, settings, after_events, send_callback, archive=archive_article
    )
    _sweeper.start()


@worker_shutdown.connect
def _stop_sweeper(**_: Any) -> None:
    if _sweeper is not None:
        _sweeper.stop()


@app.task(
    name=TASK_COLLECT,
    bind=True,
    autoretry_for=(RedisError,),  # the store blinked: try again rather than drop an outcome
    retry_backoff=True,
    retry_backoff_max=30,
    max_retries=settings.task_max_retries * 4,
)
def collect(self: Task, payload: dict[str, Any]) -> str:
    outcome = StageOutcome.model_validate(payload)

    merged: list[ArticleResult] = []

    def change(result: ArticleResult) -> Any:
        updated, events = merge_outcome(result, outcome, datetime.now(UTC))
        merged[:] = [updated]
        return updated, events

    events = store().update(outcome.article_id, change)
    # The record just written, so the archive and the callback need not read and parse it again.
    after_events(outcome.article_id, events, merged[0] if events else None)
    if not events:
        log.info(
            "ignored %s outcome for %s (stale, duplicate or unknown)",
            outcome.stage,
            outcome.article_id,
        )
    return ",".join(e.type for e in events) or "ignored"
