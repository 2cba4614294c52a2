"""The shell of a stage task that carries several articles (shared/batching.py cuts the batches).

A batch only makes the common case cheaper; it adds no second set of guarantees. It reports the
articles it finished and gives every other one back to the stage's single task, whose retries,
delivery limit and failure reports (shared/stage.py) then apply to that article alone:

- an article whose core raises (a bad article, a transient error) is sent alone;
- a batch delivered again (its process died: a poison article, an out-of-memory kill) is split,
  every article sent alone, so a poison article fails by itself after its own deliveries;
- past the soft time limit, the articles not finished are sent alone; past the hard limit the
  worker's main process sends all of them alone (``split_after_hard_limit``).

Outcomes go to the collector in one message. Nothing is acknowledged before the outcomes and the
articles sent alone are queued: a batch that cannot send them is given back to the queue, and
delivered again, split.
"""

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from celery import Task
from celery.exceptions import Reject, SoftTimeLimitExceeded, TimeLimitExceeded
from celery.signals import task_failure
from pydantic import BaseModel, ValidationError

from shared import faults
from shared.celery_app import brief_args, settings_of
from shared.deliveries import should_requeue
from shared.logs import article_id_var, run_id_var
from shared.models import IngestRequest, OutcomeBatch, StageOutcome, StageRequest
from shared.names import QUEUE_RESULTS, STAGE_TASKS, TASK_COLLECT_BATCH, Stage
from shared.stage import REPORT_RETRY_POLICY, StageResult, build_outcome, count_deliveries, report

log = logging.getLogger(__name__)
R = TypeVar("R", IngestRequest, StageRequest)
Finished = tuple[R, StageResult, datetime, datetime]  # request, result, started, finished
BATCH_STAGE: dict[str, Stage] = {batch: stage for stage, (_, batch) in STAGE_TASKS.items()}


def run_batch(
    task: Task,
    stage: Stage,
    payload: dict[str, Any],
    model: type[BaseModel],
    produce: Callable[[R], StageResult],
    after: Callable[[list[Finished[R]]], None] | None = None,
) -> str:
    """Run ``produce`` on each article of the batch ``payload`` (a ``model``: ``IngestBatch`` or
    ``StageBatch``), then ``after`` on the finished ones (ingest sends them on), then report.
    Returns what became of the articles, which Flower shows as the task's result."""
    settings = settings_of(task.app)
    raw: list[Any] = payload.get("requests") or []
    try:
        requests: list[R] = model.model_validate(payload).requests  # type: ignore[attr-defined]
    except ValidationError:
        # Each article alone: the single task reports the ones that are invalid.
        return _give_back(task, stage, raw, "the batch did not validate", settings.max_deliveries)
    deliveries = count_deliveries(task)
    if deliveries > 1:
        return _give_back(task, stage, raw, f"delivery {deliveries}", deliveries)

    finished: list[Finished[R]] = []
    alone: list[Any] = []
    for index, (item, request) in enumerate(zip(raw, requests, strict=True)):
        article_id_var.set(request.article_id)  # the log lines of this article carry its ids
        run_id_var.set(request.run_id)
        started = datetime.now(UTC)
        try:
            faults.before_work(settings.fault_injection, item)
            result = produce(request)
        except SoftTimeLimitExceeded:
            alone.extend(raw[index:])
            log.warning("batch past its soft time limit; %d articles go alone", len(raw) - index)
            break
        except Exception as exc:
            log.info("%s: %s: the article goes alone", stage, type(exc).__name__)
            alone.append(item)
            continue
        finished.append((request, result, started, datetime.now(UTC)))
    article_id_var.set(None)
    run_id_var.set(None)

    try:
        if after is not None and finished:
            after(finished)
        faults.before_report(settings.fault_injection, payload, deliveries)
        _report(task, stage, finished)
        _send_alone(task, stage, alone)
    except Exception as exc:
        if should_requeue(deliveries, settings.max_deliveries):
            raise Reject(f"batch not reported, delivering again: {exc}", requeue=True) from exc
        raise
    return f"{len(finished)} done, {len(alone)} sent alone"


def _report(task: Task, stage: Stage, finished: Sequence[Finished[Any]]) -> None:
    run = (task.request.hostname or "unknown", task.request.id or "unknown", 1)
    outcomes: list[StageOutcome] = [
        build_outcome(stage, (r.article_id, r.run_id), run, started, result, finished_at=ended)
        for r, result, started, ended in finished
    ]
    if len(outcomes) == 1:
        report(task, outcomes[0])
    elif outcomes:
        message = OutcomeBatch(outcomes=outcomes).model_dump(mode="json")
        task.app.send_task(
            TASK_COLLECT_BATCH,
            args=[message],
            argsrepr=repr([{"article_id": o.article_id, "stage": stage} for o in outcomes]),
            queue=QUEUE_RESULTS,
            retry=True,
            retry_policy=REPORT_RETRY_POLICY,
        )


def _send_alone(task: Task, stage: Stage, items: Sequence[Any]) -> None:
    single, _ = STAGE_TASKS[stage]
    for item in items:
        if not isinstance(item, dict):  # names no article: nothing to give back
            log.error("%s batch held a %s, not an article; dropped", stage, type(item).__name__)
            continue
        task.app.send_task(
            single,
            args=[item],
            argsrepr=brief_args(item),
            retry=True,
            retry_policy=REPORT_RETRY_POLICY,
        )


def _give_back(task: Task, stage: Stage, items: Sequence[Any], why: str, deliveries: int) -> str:
    try:
        _send_alone(task, stage, items)
    except Exception as exc:
        if should_requeue(deliveries, settings_of(task.app).max_deliveries):
            raise Reject(f"batch not split, delivering again: {exc}", requeue=True) from exc
        raise
    log.info("%s batch split (%s): %d articles sent alone", stage, why, len(items))
    return f"split ({why}): {len(items)} sent alone"


def split_after_hard_limit(
    sender: Task | None = None,
    task_id: str | None = None,
    exception: BaseException | None = None,
    args: Any = None,
    **_: Any,
) -> None:
    """A batch killed at its hard time limit is acknowledged with no outcome; the worker's main
    process sends its articles alone, where the one that hangs fails by itself."""
    if not isinstance(exception, TimeLimitExceeded) or sender is None:
        return
    stage = BATCH_STAGE.get(sender.name)
    if stage is None:
        return
    payload = args[0] if args and isinstance(args[0], dict) else {}
    items = payload.get("requests") or []
    try:
        _send_alone(sender, stage, items)
    except Exception:
        log.exception("could not split batch %s after its hard limit; the sweeper will", task_id)


task_failure.connect(split_after_hard_limit)
