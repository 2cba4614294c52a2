"""The shell every stage worker shares: run the core, time it, report the outcome to the collector.

A stage never lets an exception escape to Celery for a bad article: it reports a failed outcome
and moves on, so one poison message cannot block a queue. Errors that say they are transient
(``retryable = True``: timeouts, a site's 5xx, a broker hiccup) are retried with backoff first.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded

from shared.models import Document, Extraction, StageError, StageOutcome, Summary
from shared.names import QUEUE_RESULTS, TASK_COLLECT, Stage

StageResult = Document | Extraction | Summary
MAX_BACKOFF_SECONDS = 60


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, SoftTimeLimitExceeded):
        return False
    return bool(getattr(exc, "retryable", False)) or isinstance(exc, ConnectionError | TimeoutError)


def backoff_seconds(retries: int) -> int:
    return int(min(MAX_BACKOFF_SECONDS, 2 ** (retries + 1)))


def build_outcome(
    task: Task,
    stage: Stage,
    ids: tuple[str, str],
    started_at: datetime,
    result: StageResult | None = None,
    error: StageError | None = None,
) -> StageOutcome:
    article_id, run_id = ids
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
        worker=task.request.hostname or "unknown",
        task_id=task.request.id or "unknown",
        attempts=task.request.retries + 1,
        started_at=started_at,
        finished_at=datetime.now(UTC),
        error=error,
        **fields,
    )


def report(task: Task, outcome: StageOutcome) -> None:
    task.app.send_task(TASK_COLLECT, args=[outcome.model_dump(mode="json")], queue=QUEUE_RESULTS)


def run_stage(
    task: Task, stage: Stage, ids: tuple[str, str], produce: Callable[[], StageResult]
) -> str:
    """Run ``produce`` for one article and report its outcome; returns the outcome's status."""
    started_at = datetime.now(UTC)
    try:
        result = produce()
    except Exception as exc:
        if is_retryable(exc) and task.request.retries < (task.max_retries or 0):
            raise task.retry(exc=exc, countdown=backoff_seconds(task.request.retries)) from exc
        error = StageError(
            stage=stage,
            type=type(exc).__name__,
            message=str(exc)[:500],
            retryable=is_retryable(exc),
        )
        outcome = build_outcome(task, stage, ids, started_at, error=error)
    else:
        outcome = build_outcome(task, stage, ids, started_at, result=result)
    report(task, outcome)
    return outcome.status


def ids_of(payload: dict[str, Any]) -> tuple[str, str]:
    """Article and run id from a raw message, even one that fails validation."""
    return str(payload.get("article_id", "unknown")), str(payload.get("run_id", "unknown"))
