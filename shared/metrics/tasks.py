"""Worker metrics: how long each stage's tasks take, how often they fail or are retried.

Counted by Celery's signals in every worker process (shared/observe.py). A prefork pool's
processes write them to the worker's PROMETHEUS_MULTIPROC_DIR and its main process serves their
sum (shared/metrics/serve.py), so a replaced pool process loses none.
"""

from typing import Final

from prometheus_client import Counter, Histogram

from shared.names import TASK_ROUTES

# Prometheus's default buckets stop at 10 s; a task may run to the hard time limit (TASK_TIME_LIMIT,
# 90 s by default) and extraction of a long document takes seconds (docs/performance.md).
DURATION_BUCKETS: Final = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 90.0)
OTHER_STAGE: Final = "other"

TASK_DURATION: Final = Histogram(
    "newsflow_task_duration_seconds",
    "Time one task took in a worker process, by stage (its queue), whatever its outcome.",
    ["stage"],
    buckets=DURATION_BUCKETS,
)
TASK_FAILURES: Final = Counter(
    "newsflow_task_failures_total",
    "Tasks that ended in failure, by stage and exception type (StageFailed: reported failed).",
    ["stage", "exception"],
)
TASK_RETRIES: Final = Counter(
    "newsflow_task_retries_total", "Tasks retried after a transient error, by stage.", ["stage"]
)
RUNS_FINISHED: Final = Counter(
    "newsflow_runs_finished_total",
    "Article runs the collector marked done or failed, by that status.",
    ["status"],
)


def stage_label(task_name: str | None) -> str:
    """A task's stage, named as its queue: ingest, extraction, summarization, results (the
    collector), callbacks; ``other`` for a task outside the contract (one label value at most)."""
    return TASK_ROUTES.get(task_name or "", {}).get("queue", OTHER_STAGE)
