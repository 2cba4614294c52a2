"""What every Celery worker reports about itself: JSON logs carrying the article and run of the
task at hand, and task metrics served on the worker's METRICS_PORT (docs/operations.md).

Celery signals are process-wide, so ``install`` (called by shared/celery_app.make_celery) wires
every worker the same way whichever app it runs; in the gateway and Flower they never fire.
"""

import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final
from wsgiref.simple_server import WSGIServer

from celery.signals import (
    celeryd_init,
    setup_logging,
    task_failure,
    task_postrun,
    task_prerun,
    task_retry,
    worker_init,
    worker_process_init,
)

from shared.logs import LogFormat, article_id_var, configure_logging, run_id_var
from shared.metrics.serve import empty_directory, serve_worker_metrics
from shared.metrics.tasks import TASK_DURATION, TASK_FAILURES, TASK_RETRIES, stage_label
from shared.names import TASK_CALLBACK
from shared.settings import Settings, get_settings

log = logging.getLogger(__name__)
DISPATCH_UID: Final = "newsflow.observe"
_service: list[str] = []  # the worker's node name (ingest@host -> ingest), known from celeryd_init
_log_format: list[LogFormat] = []  # the worker app's LOG_FORMAT, also known from celeryd_init
_server: list[WSGIServer] = []  # the main process's metrics server
_started: dict[str, float] = {}  # task id -> monotonic start, in the pool process running it


def task_ids(task_name: str | None, args: Sequence[Any] | None) -> tuple[str | None, str | None]:
    """Article and run id of a task from its arguments: stage and collect tasks carry a message
    with both fields, the callback task takes them as its two arguments."""
    if not args:
        return None, None
    first = args[0]
    if isinstance(first, dict):
        article, run = first.get("article_id"), first.get("run_id")
        return (str(article) if article else None), (str(run) if run else None)
    if task_name == TASK_CALLBACK and len(args) >= 2:
        return str(args[0]), str(args[1])
    return None, None


def service_of(hostname: str) -> str:
    """``ingest@host`` -> ``ingest``: the node names of services/stack.py name the service."""
    return hostname.split("@", 1)[0] or hostname


def _settings(worker: Any) -> Settings:
    """The settings of the app a worker (Celery's WorkController) runs (a NewsflowCelery carries
    them; read by attribute, as shared/celery_app.py imports this module)."""
    settings = getattr(getattr(worker, "app", None), "settings", None)
    return settings if isinstance(settings, Settings) else get_settings()


def _on_celeryd_init(sender: str | None = None, instance: Any = None, **_: Any) -> None:
    """Before the worker's start-up checks: its warnings (running as root) are log lines too,
    and in JSON mode the multi-line start-up banner is left out (one object per line)."""
    if sender:
        _service[:] = [service_of(str(sender))]
    log_format = _settings(instance).log_format
    _log_format[:] = [log_format]
    configure_logging(_service[0] if _service else "celery", log_format)
    if log_format == "json" and instance is not None:
        instance.quiet = True


def _on_setup_logging(loglevel: int | str | None = None, **_: Any) -> None:
    """Connected, so Celery installs no handlers of its own: every line goes through ours."""
    service = _service[0] if _service else "celery"
    log_format = _log_format[0] if _log_format else get_settings().log_format
    configure_logging(service, log_format, loglevel or logging.INFO)


def _on_worker_init(sender: Any = None, **_: Any) -> None:
    """In the worker's main process, before the pool starts: fresh counts, then serve them."""
    settings = _settings(sender)
    if settings.prometheus_multiproc_dir:
        empty_directory(Path(settings.prometheus_multiproc_dir))
    try:
        server = serve_worker_metrics(
            settings.metrics_port, settings.metrics_address, settings.prometheus_multiproc_dir
        )
    except OSError as exc:  # the port is taken: the worker still works, unobserved
        log.error("cannot serve metrics on port %d: %s", settings.metrics_port, exc)
        return
    if server is not None:
        _server.append(server)


def _on_worker_process_init(**_: Any) -> None:
    """A pool process closes its inherited copy of the listening socket (the main process's
    server keeps serving); otherwise it could hold the port past a killed main process."""
    for server in _server:
        server.socket.close()
    _server.clear()


def _on_prerun(task_id: str | None = None, task: Any = None, args: Any = None, **_: Any) -> None:
    name = getattr(task, "name", None)
    TASK_RETRIES.labels(stage_label(name))  # the series exists at 0 before a first retry
    article_id, run_id = task_ids(name, args)
    article_id_var.set(article_id)
    run_id_var.set(run_id)
    if task_id:
        _started[task_id] = time.monotonic()


def _on_postrun(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    started = _started.pop(task_id or "", None)
    if started is not None:
        TASK_DURATION.labels(stage_label(getattr(task, "name", None))).observe(
            time.monotonic() - started
        )
    article_id_var.set(None)
    run_id_var.set(None)


def _on_failure(sender: Any = None, exception: BaseException | None = None, **_: Any) -> None:
    kind = type(exception).__name__ if exception is not None else "unknown"
    TASK_FAILURES.labels(stage_label(getattr(sender, "name", None)), kind).inc()


def _on_retry(sender: Any = None, **_: Any) -> None:
    TASK_RETRIES.labels(stage_label(getattr(sender, "name", None))).inc()


def install() -> None:
    """Connect the receivers once per process (a dispatch uid makes repeats no-ops)."""
    for signal, receiver in (
        (celeryd_init, _on_celeryd_init),
        (setup_logging, _on_setup_logging),
        (worker_init, _on_worker_init),
        (worker_process_init, _on_worker_process_init),
        (task_prerun, _on_prerun),
        (task_postrun, _on_postrun),
        (task_failure, _on_failure),
        (task_retry, _on_retry),
    ):
        signal.connect(receiver, weak=False, dispatch_uid=f"{DISPATCH_UID}.{receiver.__name__}")
