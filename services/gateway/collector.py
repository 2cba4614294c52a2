"""The collector: a Celery worker on queue ``results`` that folds stage outcomes into articles.

Run as its own process (``celery -A services.gateway.collector worker -Q results``); it shares the
gateway's store code and imports no NLP package. ``create_app(settings)`` builds the app, its
task and the ``Collector`` they share; nothing is built at import.
"""

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from celery import Task
from celery.signals import worker_ready, worker_shutdown
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from services.gateway.corpus import archive as corpus
from services.gateway.corpus.database import connect, upgrade
from services.gateway.merge import merge_outcome
from services.gateway.monitor import alerts
from services.gateway.monitor.watchlists import IndexCache
from services.gateway.store import ArticleStore
from services.gateway.sweeper import Sweeper
from shared import faults
from shared.celery_app import NewsflowCelery, make_celery, module_app
from shared.metrics.tasks import RUNS_FINISHED
from shared.models import ArticleEvent, ArticleResult, OutcomeBatch, StageOutcome
from shared.names import TASK_ALERT_DELIVER, TASK_CALLBACK, TASK_COLLECT, TASK_COLLECT_BATCH
from shared.settings import Settings

log = logging.getLogger(__name__)


def write_finished(
    engine: Engine, watch: IndexCache, results: Sequence[ArticleResult]
) -> list[int]:
    """Archive finished articles and match each against its owner's watchlists
    (monitor/alerts.py), all in one transaction; the ids of the alerts fired. The collector does
    this before the articles leave the store's archive outbox, so one killed here fires their
    alerts when the sweeper archives them again; alerts whose delivery is not sent at once are
    sent by the scheduler's ``alerts.pending``."""

    def work(conn: Connection) -> list[int]:
        now = datetime.now(UTC)
        fired = []
        for result in results:
            corpus.archive_in(conn, result, now)
            fired += alerts.fire(conn, watch, result, now)
        return fired

    return corpus.in_write_transaction(engine, work)


class Collector:
    """What the collect task and the sweeper share: the store, the archive, the alert matcher.
    Its clients are made on first use, so a pool process never shares its parent's connections."""

    def __init__(self, settings: Settings, app: NewsflowCelery) -> None:
        self.settings = settings
        self.app = app
        self.watch = IndexCache()
        self.sweeper: Sweeper | None = None

    @cached_property
    def store(self) -> ArticleStore:
        redis = Redis.from_url(self.settings.redis_url)
        return ArticleStore(redis, self.settings.article_ttl_seconds)

    @cached_property
    def engine(self) -> Engine:
        return connect(self.settings.database_url)

    def after_events(
        self, article_id: str, events: list[ArticleEvent], result: ArticleResult | None = None
    ) -> None:
        """What follows one article's stored events (see ``after_runs``)."""
        self.after_runs([Folded(article_id, events, result)])

    def after_runs(self, runs: Sequence["Folded"]) -> None:
        """Runs that just ended ``done`` go into the archive, together; then every ended run
        notifies its callback URL, through the ``callbacks`` queue (services/gateway/notifier.py),
        so a slow receiver never holds up collection. Archived first: a receiver may search for
        it at once."""
        for run in runs:
            for event in run.events:
                if event.type in ("done", "failed"):
                    RUNS_FINISHED.labels(event.type).inc()
        self.archive_articles(
            [(r.article_id, r.result) for r in runs if any(e.type == "done" for e in r.events)]
        )
        for run in runs:
            if any(e.type in ("done", "failed") for e in run.events):
                self.send_callback(run.article_id, run.result)

    def archive_article(self, article_id: str, result: ArticleResult | None = None) -> None:
        self.archive_articles([(article_id, result)])

    def archive_articles(self, finished: Sequence[tuple[str, ArticleResult | None]]) -> None:
        """Write finished articles to the archive and fire their alerts, all in one transaction;
        then take them off the store's archive outbox. ``None``: read the record from the store.

        A database error leaves them there: the articles are done and served from Redis
        meanwhile, and the sweeper archives them on a later pass (docs/reliability.md). A batch
        that fails is written again one article at a time, so one bad article holds up no other.
        """
        if not finished:
            return
        found = [(a, r or self.store.get(a)) for a, r in finished]
        done = [r for _, r in found if r is not None and r.status == "done"]
        strike = self._strikes()
        for result in done:
            faults.around_archive(strike, _text(result), written=False)
        try:
            fired = write_finished(self.engine, self.watch, done) if done else []
        except Exception:  # a database error, or a bug: neither may stop collection or a sweep
            if len(found) > 1:
                for one in found:
                    self.archive_articles([one])
                return
            log.exception("archiving %s failed; the sweeper will retry", finished[0][0])
            return
        for result in done:
            faults.around_archive(strike, _text(result), written=True)
        for alert_id in fired:
            self.app.send_task(TASK_ALERT_DELIVER, args=[alert_id])
        for article_id, _ in found:
            self.store.archived(article_id)

    def send_callback(self, article_id: str, result: ArticleResult | None = None) -> None:
        """Queue an ended run's callback, then take it off the store's outbox (where the run's
        end put it). A collector that dies in between leaves it there, and the sweeper sends it
        again; the callback task's per-run marker keeps a second send to one delivery."""
        result = result or self.store.get(article_id)
        if result is not None and result.status in ("done", "failed") and result.callback_url:
            strike = self._strikes()
            text = result.document.text if result.document else None
            faults.around_callback(strike, text, sent=False)
            self.app.send_task(TASK_CALLBACK, args=[result.id, result.run_id])
            faults.around_callback(strike, text, sent=True)
        self.store.callback_queued(article_id)

    def _strikes(self) -> bool:
        """Injected faults strike the collect task only, never the sweeper's thread."""
        return self.settings.fault_injection and self.app.current_task is not None

    def migrate_archive(self, attempts: int, pause_seconds: float = 1.0) -> None:
        """Bring the archive's schema up to date before collecting: the database may still be
        starting (compose starts them together), so it is tried ``attempts`` times."""
        for attempt in range(1, attempts + 1):
            engine = connect(self.settings.database_url)
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

    def start_sweeper(self) -> None:
        """In the collector's main process: migrations, then the timer that re-drives or fails
        stalled runs and archives what a dead process left unarchived."""
        self.migrate_archive(self.settings.redis_connect_retries + 1)
        store = ArticleStore(
            Redis.from_url(self.settings.redis_url), self.settings.article_ttl_seconds
        )
        self.sweeper = Sweeper(
            store,
            self.app,
            self.settings,
            self.after_events,
            self.send_callback,
            archive=self.archive_article,
        )
        self.sweeper.start()

    def stop_sweeper(self) -> None:
        if self.sweeper is not None:
            self.sweeper.stop()

    def fold(self, outcome: StageOutcome) -> "Folded":
        """Merge an outcome into its stored article; what the merge changed."""
        merged: list[ArticleResult] = []

        def change(result: ArticleResult) -> Any:
            updated, events = merge_outcome(result, outcome, datetime.now(UTC))
            merged[:] = [updated]
            return updated, events

        events = self.store.update(outcome.article_id, change)
        if not events:
            log.info(
                "ignored %s outcome for %s (stale, duplicate or unknown)",
                outcome.stage,
                outcome.article_id,
            )
        # The record just written, so the archive and the callback need not read it again.
        return Folded(outcome.article_id, events, merged[0] if events else None)

    def collect(self, outcome: StageOutcome) -> str:
        folded = self.fold(outcome)
        self.after_runs([folded])
        return folded.summary

    def collect_batch(self, batch: OutcomeBatch) -> str:
        """Each outcome as ``collect`` would take it alone, then the batch's finished articles
        archived in one transaction. A store error stops the batch, to be retried whole (merges
        are idempotent: outcomes already in are ignored, and the runs they ended wait in the
        store's outboxes for the sweeper); any other error fails only its article's outcome, as
        it would fail a single message, and the sweeper then ends that run."""
        runs: list[Folded] = []
        summaries = []
        for outcome in batch.outcomes:
            try:
                runs.append(self.fold(outcome))
                summaries.append(runs[-1].summary)
            except RedisError:
                raise
            except Exception:
                log.exception("collecting %s of %s failed", outcome.stage, outcome.article_id)
                summaries.append("error")
        self.after_runs(runs)
        return ";".join(summaries)


@dataclass(frozen=True)
class Folded:
    """One outcome folded into its article: the events it raised, and the record as written."""

    article_id: str
    events: list[ArticleEvent]
    result: ArticleResult | None

    @property
    def summary(self) -> str:
        return ",".join(e.type for e in self.events) or "ignored"


def _text(result: ArticleResult) -> str | None:
    return result.document.text if result.document else None


def create_app(settings: Settings) -> NewsflowCelery:
    app = make_celery("collector", settings)
    # Flower shows the stage tasks, which is what operators watch; the collector's three
    # bookkeeping tasks per article send no task events, which cost a third of its main
    # process's CPU (docs/performance.md). Off for the worker, and off for each task
    # (``send_events``): Flower's ``enable_events`` broadcast, every few seconds, turns a
    # worker's task events back on. The worker still sends heartbeats, so Flower lists it; its
    # failures are logged and retried.
    app.conf.worker_send_task_events = False
    collector = Collector(settings, app)

    @worker_ready.connect(weak=False)
    def _start_sweeper(**_: Any) -> None:
        collector.start_sweeper()

    @worker_shutdown.connect(weak=False)
    def _stop_sweeper(**_: Any) -> None:
        collector.stop_sweeper()

    @app.task(
        shared=False,
        name=TASK_COLLECT,
        bind=True,
        send_events=False,
        autoretry_for=(RedisError,),  # the store blinked: try again rather than drop an outcome
        retry_backoff=True,
        retry_backoff_max=30,
        max_retries=settings.task_max_retries * 4,
    )
    def collect(self: Task, payload: dict[str, Any]) -> str:
        return collector.collect(StageOutcome.model_validate(payload))

    @app.task(
        shared=False,
        name=TASK_COLLECT_BATCH,
        bind=True,
        send_events=False,
        autoretry_for=(RedisError,),
        retry_backoff=True,
        retry_backoff_max=30,
        max_retries=settings.task_max_retries * 4,
    )
    def collect_batch(self: Task, payload: dict[str, Any]) -> str:
        return collector.collect_batch(OutcomeBatch.model_validate(payload))

    return app


__getattr__ = module_app(create_app)  # ``app``, for ``celery --app``
