"""The one Celery app factory: every process gets the same deliberate settings (DESIGN §3).

Each worker module builds its app in a ``create_app(settings)`` of its own, so a caller's settings
reach every task; the module attribute ``app`` that ``celery --app MODULE`` reads is built from the
environment on first use (``default_app``), never at import. Tasks are declared with
``shared=False``: Celery otherwise hands a task to every app made later in the process, so a
second app would run the first one's task, bound to the first one's settings.
"""

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from celery import Celery
from kombu.entity import Queue

from shared import observe
from shared.cores import available_cores
from shared.names import (
    QUEUE_CALLBACKS,
    QUEUE_EXTRACTION,
    QUEUE_INGEST,
    QUEUE_RESULTS,
    QUEUE_SOURCES,
    QUEUE_SUMMARIZATION,
    TASK_ROUTES,
)
from shared.redact import install_log_redaction
from shared.settings import Settings, get_settings
from shared.transport import transport_for

# How long a new pool process may take to start. Loading the spaCy pipeline takes seconds, longer
# on a busy machine: with two busy cores, replacements of a killed extraction process were killed
# for being slow four times in a row (tests/faults/test_chaos.py) under Celery's 4 s default.
POOL_PROCESS_START_SECONDS = 120.0


def celery_config(settings: Settings) -> dict[str, Any]:
    """Celery settings as a plain dict, so tests can check them without a broker."""
    # Redis redelivers an unacked message after the visibility timeout: keep it well past the hard
    # time limit (and any retry countdown) or a slow task would run twice.
    visibility_timeout = max(300, 4 * settings.task_time_limit)
    return {
        "broker_url": settings.redis_url,
        # kombu's Redis transport with one client object per pool (shared/transport.py).
        "broker_transport": transport_for(settings.redis_url),
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": settings.redis_connect_retries,
        "broker_transport_options": {"visibility_timeout": visibility_timeout},
        # JSON only: messages are Pydantic models dumped to JSON, never pickles.
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_routes": TASK_ROUTES,
        "task_queues": [
            Queue(q)
            for q in (
                QUEUE_INGEST,
                QUEUE_EXTRACTION,
                QUEUE_SUMMARIZATION,
                QUEUE_RESULTS,
                QUEUE_CALLBACKS,
                QUEUE_SOURCES,
            )
        ],
        "task_create_missing_queues": False,
        # A task is acknowledged only when it finished, and a worker that dies mid-task gives the
        # message back: a crashed worker loses no article.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        # A pool process loads its models before it reports up (seconds, more on a busy machine);
        # Celery's 4 s default kills a replacement that is still loading, again and again.
        "worker_proc_alive_timeout": POOL_PROCESS_START_SECONDS,
        "worker_prefetch_multiplier": 1,
        # One pool process per core the container may use (shared/cores.py), unless set.
        "worker_concurrency": settings.worker_concurrency or available_cores(),
        "task_soft_time_limit": settings.task_soft_time_limit,
        "task_time_limit": settings.task_time_limit,
        # Flower builds its view from the workers' events (received, started, succeeded, failed):
        # three publishes a task, a third of a message's fixed cost (docs/performance.md), so a
        # deployment that does not run Flower may turn them off. No "task-sent" events: one more
        # publish per message for a timestamp Flower can do without.
        "worker_send_task_events": settings.task_events,
        "task_send_sent_event": False,
        # No result backend: nobody reads a task's return value (outcomes travel as messages to
        # the collector). Storing results cost two writes and two publishes per task, and every
        # sender subscribed to each sent task's result channel (docs/performance.md).
        "result_backend": None,
        "task_ignore_result": True,
        # A pool process above this resident size is replaced after its task, so memory per worker
        # process stays bounded whatever a long run of articles leaves behind (KiB).
        "worker_max_memory_per_child": settings.worker_max_memory_mb * 1024,
        "worker_hijack_root_logger": False,
        "enable_utc": True,
    }


class NewsflowCelery(Celery):  # type: ignore[misc]  # Celery ships no type hints
    """A Celery app that carries the settings it was built from: its tasks and the process-wide
    signal handlers (shared/stage.py, shared/observe.py) read them from ``task.app``."""

    def __init__(self, name: str, settings: Settings) -> None:
        super().__init__(name)
        self.settings = settings
        self.conf.update(celery_config(settings))


def make_celery(name: str, settings: Settings) -> NewsflowCelery:
    install_log_redaction()  # every worker: no credentials from URLs in its log lines
    observe.install()  # JSON logs with the task's article and run ids; task metrics
    return NewsflowCelery(name, settings)


ARTICLE_IDS: tuple[str, ...] = ("article_id", "run_id", "stage")


def brief_args(payload: Mapping[str, Any]) -> str:
    """The ``argsrepr`` of a message carrying one article: what Flower and Celery's events show
    of its arguments. The article's ids (and an outcome's stage), never its text or URL; Celery's
    own repr of the whole payload was also a quarter of the CPU of sending it."""
    return repr([{key: payload[key] for key in ARTICLE_IDS if key in payload}])


def settings_of(app: Celery) -> Settings:
    """The settings ``app`` was built from; the environment's for an app built elsewhere."""
    return app.settings if isinstance(app, NewsflowCelery) else get_settings()


@cache
def default_app(factory: Callable[[Settings], NewsflowCelery]) -> NewsflowCelery:
    """The app ``celery --app MODULE`` runs: ``factory`` over the environment's settings, once
    per process."""
    return factory(get_settings())


def module_app(factory: Callable[[Settings], NewsflowCelery]) -> Callable[[str], NewsflowCelery]:
    """A module's ``__getattr__`` (PEP 562) whose ``app``, what ``celery --app MODULE`` reads, is
    ``default_app(factory)``: built when first read, so importing the module builds nothing."""

    def attribute(name: str) -> NewsflowCelery:
        if name == "app":
            return default_app(factory)
        raise AttributeError(name)

    return attribute
