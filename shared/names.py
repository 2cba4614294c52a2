"""Task and queue names: the only thing services need to know to message each other.

Tasks are sent by name (``send_task``), so no service imports another's code.
"""

from typing import Final, Literal

Stage = Literal["ingest", "extraction", "summarization"]
STAGES: Final[tuple[Stage, ...]] = ("ingest", "extraction", "summarization")

QUEUE_INGEST: Final = "ingest"
QUEUE_EXTRACTION: Final = "extraction"
QUEUE_SUMMARIZATION: Final = "summarization"
QUEUE_RESULTS: Final = "results"
# Callbacks have their own queue and worker: a slow receiver never delays result collection.
QUEUE_CALLBACKS: Final = "callbacks"
# Monitoring (services/gateway/monitor): polls of followed sources, and the scheduler's ticks.
QUEUE_SOURCES: Final = "sources"

TASK_INGEST: Final = "ingest.article"
TASK_EXTRACTION: Final = "extraction.article"
TASK_SUMMARIZATION: Final = "summarization.article"
TASK_COLLECT: Final = "results.collect"
# Several articles in one message (shared/batch_stage.py): the same work, one message's cost.
TASK_INGEST_BATCH: Final = "ingest.batch"
TASK_EXTRACTION_BATCH: Final = "extraction.batch"
TASK_SUMMARIZATION_BATCH: Final = "summarization.batch"
TASK_COLLECT_BATCH: Final = "results.collect_batch"
TASK_CALLBACK: Final = "results.callback"
TASK_SOURCES_DUE: Final = "sources.due"
TASK_SOURCE_POLL: Final = "sources.poll"
TASK_ALERTS_PENDING: Final = "alerts.pending"
TASK_ALERT_DELIVER: Final = "alerts.deliver"

TASK_ROUTES: Final[dict[str, dict[str, str]]] = {
    TASK_INGEST: {"queue": QUEUE_INGEST},
    TASK_EXTRACTION: {"queue": QUEUE_EXTRACTION},
    TASK_SUMMARIZATION: {"queue": QUEUE_SUMMARIZATION},
    TASK_COLLECT: {"queue": QUEUE_RESULTS},
    TASK_INGEST_BATCH: {"queue": QUEUE_INGEST},
    TASK_EXTRACTION_BATCH: {"queue": QUEUE_EXTRACTION},
    TASK_SUMMARIZATION_BATCH: {"queue": QUEUE_SUMMARIZATION},
    TASK_COLLECT_BATCH: {"queue": QUEUE_RESULTS},
    TASK_CALLBACK: {"queue": QUEUE_CALLBACKS},
    TASK_SOURCES_DUE: {"queue": QUEUE_SOURCES},
    TASK_SOURCE_POLL: {"queue": QUEUE_SOURCES},
    TASK_ALERTS_PENDING: {"queue": QUEUE_SOURCES},
    TASK_ALERT_DELIVER: {"queue": QUEUE_CALLBACKS},
}

STAGE_QUEUES: Final[dict[Stage, str]] = {
    "ingest": QUEUE_INGEST,
    "extraction": QUEUE_EXTRACTION,
    "summarization": QUEUE_SUMMARIZATION,
}

# Each stage's task for one article and for a batch: a batch gives back to the single task every
# article it did not finish.
STAGE_TASKS: Final[dict[Stage, tuple[str, str]]] = {
    "ingest": (TASK_INGEST, TASK_INGEST_BATCH),
    "extraction": (TASK_EXTRACTION, TASK_EXTRACTION_BATCH),
    "summarization": (TASK_SUMMARIZATION, TASK_SUMMARIZATION_BATCH),
}
