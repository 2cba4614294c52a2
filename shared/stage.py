"""The shell every stage worker shares: count the delivery, run the core, report the outcome.

The promise (docs/reliability.md): a message is acknowledged only once its outcome is safely
queued to the collector. So the outcome is reported inside the guarded path, and a report that
cannot be sent requeues the message instead of letting Celery ack it. A failed stage raises after
reporting, so Flower shows a FAILURE with its reason. Errors that say they are transient
(``retryable = True``: timeouts, a site's 5xx, a broker hiccup) are retried with backoff first.
A message whose process dies on every delivery is failed after ``MAX_DELIVERIES`` deliveries.
"""

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Final

from celery import Task
from celery.exceptions import Reject, SoftTimeLimitExceeded, TimeLimitExceeded
from celery.signals import task_failure
from redis import Redis

from shared import faults
from shared.celery_app import brief_args, settings_of
from shared.deliveries import count_delivery, over_limit, should_requeue
from shared.models import Document, Extraction, StageError, StageOutcome, Summary
from shared.names import (
    QUEUE_RESULTS,
    TASK_COLLECT,
    TASK_EXTRACTION,
    TASK_INGEST,
    TASK_SUMMARIZATION,
    Stage,
)
from shared.redact import redact_text

log = logging.getLogger(__name__)
StageResult = Document | Extraction | Summary
MAX_BACKOFF_SECONDS = 60
STAGE_OF_TASK: Final[dict[str, Stage]] = {
    TASK_INGEST: "ingest",
    TASK_EXTRACTION: "extraction",
    TASK_SUMMARIZATION: "summarization",
}
# Publishing the outcome rides out a broker blip of about ten seconds before giving the message
# back (kombu's default gives up after about one second).
REPORT_RETRY_POLICY: Final = {
    "max_retries": 6,
    "interval_start": 0.5,
    "interval_step": 1.0,
    "interval_max": 3.0,
}


class StageFailed(Exception):
    """Raised after a failed outcome is reported, so Celery and Flower record a FAILURE."""


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, SoftTimeLimitExceeded):
        return False
    return bool(getattr(exc, "retryable", False)) or isinstance(exc, ConnectionError | TimeoutError)


def backoff_seconds(retries: int) -> int:
    return int(min(MAX_BACKOFF_SECONDS, 2 ** (retries + 1)))


def stage_error(stage: Stage, exc: BaseException) -> StageError:
    return StageError(
        stage=stage,
        type=type(exc).__name__,
        message=redact_text(str(exc))[:500],  # stored and served: no credentials from URLs
        retryable=is_retryable(exc),
    )


def build_outcome(
    stage: Stage,
    ids: tuple[str, str],
    run: tuple[str, str, int],
    started_at: datetime,
    result: StageResult | None = None,
    error: StageError | None = None,
    finished_at: datetime | None = None,
) -> StageOutcome:
    """``run`` is (worker, task id, attempts); ``finished_at`` is now unless given."""
    article_id, run_id = ids
    worker, task_id, attempts = run
    fields: dict[str, Any] = {}
    if isinstance(result, Document):
        fields["document"] = result
    elif isinstance(result, Extraction):
        fields["extraction"] = result
    elif isinstance(result, Summary):
        fields["summary"] = result
    return StageOutcome(
        article_id=article_id,
        run_id=run_id,
        stage=stage,
        status="failed" if error else "done",
        worker=worker,
        task_id=task_id,
        attempts=attempts,
        started_at=started_at,
        finished_at=finished_at or datetime.now(UTC),
        error=error,
        **fields,
    )


def report(task: Task, outcome: StageOutcome) -> None:
    payload = outcome.model_dump(mode="json")
    task.app.send_task(
        TASK_COLLECT,
        args=[payload],
        argsrepr=brief_args(payload),
        queue=QUEUE_RESULTS,
        retry=True,
        retry_policy=REPORT_RETRY_POLICY,
    )


@lru_cache(maxsize=4)
def _redis(url: str) -> Redis:
    return Redis.from_url(url, socket_timeout=10)


def _payload(task: Task) -> Any:
    return (task.request.args or [None])[0]


def count_deliveries(task: Task) -> int:
    """This message's deliveries so far, this one included."""
    try:
        return count_delivery(
            _redis(str(task.app.conf.broker_url)),
            task.request.id or "unknown",
            task.request.retries,
            settings_of(task.app).result_expires_seconds,
        )
    except Exception as exc:  # the broker blinked: give the message back, run it later
        raise Reject(f"cannot count this delivery: {exc}", requeue=True) from exc


def _produce(
    task: Task, stage: Stage, produce: Callable[[], StageResult]
) -> tuple[StageResult | None, StageError | None]:
    try:
        return produce(), None
    except Exception as exc:
        if is_retryable(exc) and task.request.retries < (task.max_retries or 0):
            try:
                raise task.retry(exc=exc, countdown=backoff_seconds(task.request.retries)) from exc
            except Reject as rejected:  # the retry could not be published: keep this message
                raise Reject(rejected.reason, requeue=True) from exc
        return None, stage_error(stage, exc)


def run_stage(
    task: Task, stage: Stage, ids: tuple[str, str], produce: Callable[[], StageResult]
) -> str:
    """Run ``produce`` for one article and report its outcome; returns ``"done"``.

    Raises ``StageFailed`` after reporting a failure, and ``Reject(requeue=True)`` when the
    outcome could not be reported (the message is delivered again rather than acknowledged).
    """
    settings = settings_of(task.app)
    started_at = datetime.now(UTC)
    deliveries = count_deliveries(task)
    result: StageResult | None = None
    error: StageError | None
    if over_limit(deliveries, settings.max_deliveries):
        error = StageError(
            stage=stage,
            type="WorkerLost",
            message=(
                f"the {stage} worker process died on each of {settings.max_deliveries} "
                "deliveries of this message (killed, out of memory or crashed)"
            ),
        )
    else:

        def work() -> StageResult:
            faults.before_work(settings.fault_injection, _payload(task))  # as the core would
            return produce()

        result, error = _produce(task, stage, work)
    run = (task.request.hostname or "unknown", task.request.id or "unknown")
    attempts = task.request.retries + min(deliveries, settings.max_deliveries)
    outcome = build_outcome(stage, ids, (*run, attempts), started_at, result, error)
    try:
        faults.before_report(settings.fault_injection, _payload(task), deliveries)
        report(task, outcome)
    except Exception as exc:
        if should_requeue(deliveries, settings.max_deliveries):
            raise Reject(f"outcome not reported, delivering again: {exc}", requeue=True) from exc
        raise  # reporting keeps failing: the sweeper re-drives or fails this run
    if outcome.error is not None:
        raise StageFailed(f"{outcome.error.type}: {outcome.error.message}")
    return outcome.status


def report_hard_time_limit(
    sender: Task | None = None,
    task_id: str | None = None,
    exception: BaseException | None = None,
    args: Any = None,
    **_: Any,
) -> None:
    """A task killed at its hard time limit (a library swallowed the soft one) is acked with no
    outcome; the worker's main process reports the failure in its place."""
    if not isinstance(exception, TimeLimitExceeded) or sender is None:
        return
    stage = STAGE_OF_TASK.get(sender.name)
    if stage is None:
        return
    payload = args[0] if args and isinstance(args[0], dict) else {}
    now = datetime.now(UTC)
    error = StageError(
        stage=stage,
        type="TimeLimitExceeded",
        message=f"{stage} ran past its hard time limit ({exception}) and was killed",
    )
    run = ("main process", task_id or "unknown", 1)
    outcome = build_outcome(stage, ids_of(payload), run, now, None, error)
    try:
        report(sender, outcome)
    except Exception:
        log.exception("could not report the hard time limit of %s; the sweeper will", task_id)


task_failure.connect(report_hard_time_limit)


def ids_of(payload: dict[str, Any]) -> tuple[str, str]:
    """Article and run id from a raw message, even one that fails validation."""
    return str(payload.get("article_id", "unknown")), str(payload.get("run_id", "unknown"))
