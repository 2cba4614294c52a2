"""The sweeper's shell: a timer thread in the collector process that applies ``sweep.apply`` to
every stalled run and sends what it re-drives, and sends the callbacks a dead collector process
left in the store's outbox, and archives the finished articles a dead collector process or a
database outage left unarchived (docs/reliability.md says why it lives here).

Each collector replica runs one; a short Redis lock lets only one of them sweep per interval.
"""

import base64
import json
import logging
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Final, cast

from celery import Celery

from services.gateway.store import ArticleStore
from services.gateway.sweep import Action, Redrive, SweepPolicy, apply
from shared.batching import send_group
from shared.models import ArticleEvent, ArticleResult, IngestRequest, StageRequest
from shared.names import (
    QUEUE_RESULTS,
    STAGE_QUEUES,
    STAGES,
    Stage,
)
from shared.settings import Settings

log = logging.getLogger(__name__)
LOCK_KEY: Final = "newsflow:sweep-lock"
SWEEP_BATCH: Final = 500  # stalled runs handled per sweep; the rest wait for the next one
OnEvents = Callable[[str, list[ArticleEvent]], None]
# The collector queues a callback (and archives the article) milliseconds after storing the run's
# end; an outbox entry older than this was left by a collector process that died in between.
CALLBACK_GRACE_SECONDS: Final = 10
# Kombu's Redis transport keeps each delivered, not yet acknowledged message in this hash (by
# delivery tag) and its delivery time in this sorted set.
UNACKED_KEY: Final = "unacked"
UNACKED_INDEX_KEY: Final = "unacked_index"
STAGE_OF_QUEUE: Final[dict[str, Stage]] = {queue: stage for stage, queue in STAGE_QUEUES.items()}


def held_runs(raw: bytes | str | None) -> list[tuple[str, Stage]]:
    """Run id and stage of each article in an unacknowledged message as kombu stores it:
    ``[message, exchange, routing key]``, the body base64 JSON ``[args, kwargs, embed]``: a
    stage's request, a stage's outcome being collected, or a batch of either. Empty for anything
    else."""
    if raw is None:
        return []
    try:
        message, _exchange, routing_key = json.loads(raw)
        if routing_key not in STAGE_OF_QUEUE and routing_key != QUEUE_RESULTS:
            return []
        body: Any = message["body"]
        if message.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        first = json.loads(body)[0][0]
        articles = first.get("requests") or first.get("outcomes") or [first]
        held = []
        for article in articles:
            stage = STAGE_OF_QUEUE.get(routing_key) or article["stage"]
            if stage in STAGES:
                held.append((str(article["run_id"]), stage))
        return held
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return []


class Sweeper:
    def __init__(
        self,
        store: ArticleStore,
        celery: Celery,
        settings: Settings,
        on_events: OnEvents,
        send_callback: Callable[[str], None],
        archive: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.celery = celery
        self.interval = settings.sweep_interval_seconds
        self.policy = SweepPolicy(settings.run_deadline_seconds, settings.max_redrives)
        self.time_limit = settings.task_time_limit
        self.on_events = on_events
        self.send_callback = send_callback
        self.archive = archive
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
        """Stages whose queue holds messages; every stage while ``results`` does, since a stage's
        outcome may be waiting there to be collected."""
        redis = self.store.redis
        if int(redis.llen(QUEUE_RESULTS)) > 0:
            return frozenset(STAGE_QUEUES)
        return frozenset(s for s, queue in STAGE_QUEUES.items() if int(redis.llen(queue)) > 0)

    def in_flight(self, now: datetime) -> dict[str, frozenset[Stage]]:
        """Stages each run has a message of in a worker's hands right now, delivered within the
        hard time limit: that run is working, not stalled (an older one was held by a worker that
        died; kombu gives it back only after the visibility timeout)."""
        redis = self.store.redis
        since = now.timestamp() - self.time_limit
        tags = cast(list[bytes], redis.zrangebyscore(UNACKED_INDEX_KEY, since, "+inf"))
        held: dict[str, set[Stage]] = {}
        for raw in redis.hmget(UNACKED_KEY, tags) if tags else []:
            for run_id, stage in held_runs(raw):
                held.setdefault(run_id, set()).add(stage)
        return {run_id: frozenset(stages) for run_id, stages in held.items()}

    def sweep_once(self, now: datetime) -> Counter[str]:
        counts: Counter[str] = Counter()
        due = now - timedelta(seconds=CALLBACK_GRACE_SECONDS)
        for article_id in self.store.callbacks_due(due, SWEEP_BATCH):
            self.send_callback(article_id)
            counts["callback sent"] += 1
        if self.archive is not None:
            for article_id in self.store.archive_due(due, SWEEP_BATCH):
                self.archive(article_id)
                counts["archived"] += 1
        cutoff = now - timedelta(seconds=self.policy.deadline_seconds)
        stalled = self.store.stalled(cutoff, SWEEP_BATCH)
        backlog = self.backlog() if stalled else frozenset()
        held = self.in_flight(now) if stalled else {}
        for article_id in stalled:
            counts[self._sweep(article_id, now, backlog, held)] += 1
        return counts

    def _sweep(
        self,
        article_id: str,
        now: datetime,
        backlog: frozenset[Stage],
        held: dict[str, frozenset[Stage]],
    ) -> str:
        current = self.store.get(article_id)
        if current is None or current.status in ("done", "failed"):
            self.store.forget(article_id)
            return "forgotten"
        backlog |= held.get(current.run_id, frozenset())
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
            to_send: IngestRequest | StageRequest
            if stage == "ingest" and request is not None:
                to_send = request
            elif result.document is not None:
                to_send = StageRequest(
                    article_id=result.id,
                    run_id=result.run_id,
                    document=result.document,
                    options=result.options,
                )
            else:  # sweep.decide never re-drives without its input
                continue
            send_group(self.celery, [stage], [to_send])  # one article: the stage's single task
