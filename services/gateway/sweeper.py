"""The sweeper's shell: a timer thread in the collector process that applies ``sweep.apply`` to
every stalled run and sends what it re-drives (docs/reliability.md says why it lives here).

Each collector replica runs one; a short Redis lock lets only one of them sweep per interval.
"""

import logging
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Final

from celery import Celery

from services.gateway.store import ArticleStore
from services.gateway.sweep import Action, Redrive, SweepPolicy, apply
from shared.models import ArticleEvent, ArticleResult, IngestRequest, StageRequest
from shared.names import STAGE_QUEUES, TASK_EXTRACTION, TASK_INGEST, TASK_SUMMARIZATION, Stage
from shared.settings import Settings

log = logging.getLogger(__name__)
LOCK_KEY: Final = "newsflow:sweep-lock"
SWEEP_BATCH: Final = 500  # stalled runs handled per sweep; the rest wait for the next one
STAGE_TASKS: Final[dict[Stage, str]] = {
    "ingest": TASK_INGEST,
    "extraction": TASK_EXTRACTION,
    "summarization": TASK_SUMMARIZATION,
}
OnEvents = Callable[[str, list[ArticleEvent]], None]


class Sweeper:
    def __init__(
        self, store: ArticleStore, celery: Celery, settings: Settings, on_events: OnEvents
    ) -> None:
        self.store = store
        self.celery = celery
        self.interval = settings.sweep_interval_seconds
        self.policy = SweepPolicy(settings.run_deadline_seconds, settings.max_redrives)
        self.on_events = on_events
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="sweeper", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()

    def _loop(self) -> None:
        lock_ms = max(1, int(self.interval * 1000 * 0.9))
        while not self.stopping.wait(self.interval):
            try:
                if self.store.redis.set(LOCK_KEY, "1", nx=True, px=lock_ms):
                    counts = self.sweep_once(datetime.now(UTC))
                    if counts:
                        log.info("sweep: %s", dict(counts))
            except Exception:  # Redis is down or a record is unreadable: try again next time
                log.exception("sweep failed")

    def backlog(self) -> frozenset[Stage]:
        redis = self.store.redis
        return frozenset(s for s, queue in STAGE_QUEUES.items() if int(redis.llen(queue)) > 0)

    def sweep_once(self, now: datetime) -> Counter[str]:
        counts: Counter[str] = Counter()
        cutoff = now - timedelta(seconds=self.policy.deadline_seconds)
        stalled = self.store.stalled(cutoff, SWEEP_BATCH)
        backlog = self.backlog() if stalled else frozenset()
        for article_id in stalled:
            counts[self._sweep(article_id, now, backlog)] += 1
        return counts

    def _sweep(self, article_id: str, now: datetime, backlog: frozenset[Stage]) -> str:
        current = self.store.get(article_id)
        if current is None or current.status in ("done", "failed"):
            self.store.forget(article_id)
            return "forgotten"
        request = self.store.ingest_request(article_id)
        taken: list[tuple[ArticleResult, Action | None]] = []

        def change(result: ArticleResult) -> tuple[ArticleResult, list[ArticleEvent]]:
            updated, events, action = apply(result, now, self.policy, request is not None, backlog)
            taken[:] = [(updated, action)]
            return updated, events

        events = self.store.update(article_id, change)
        if not events or not taken:
            return "deferred"
        updated, action = taken[0]
        if isinstance(action, Redrive):
            self._resend(updated, action.stages, request)
            log.warning(
                "re-drove %s of %s (re-drive %d)", action.stages, article_id, updated.redrives
            )
        elif updated.error is not None:
            log.warning("failed %s: %s", article_id, updated.error.message)
        self.on_events(article_id, events)
        return "redriven" if isinstance(action, Redrive) else "failed"

    def _resend(
        self, result: ArticleResult, stages: tuple[Stage, ...], request: IngestRequest | None
    ) -> None:
        for stage in stages:
            if stage == "ingest" and request is not None:
                message = request.model_dump(mode="json")
            elif result.document is not None:
                message = StageRequest(
                    article_id=result.id,
                    run_id=result.run_id,
                    document=result.document,
                    options=result.options,
                ).model_dump(mode="json")
            else:  # sweep.decide never re-drives without its input
                continue
            self.celery.send_task(STAGE_TASKS[stage], args=[message])
