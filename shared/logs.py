"""Structured logs: one JSON object per line, carrying the article, run and request it is about.

Every service logs through the root logger with ``configure_logging``; the ids come from context
variables that the gateway sets per request and the workers per task (shared/observe.py), so a
line written deep inside a core still says which article it concerns. ``LOG_FORMAT=text`` gives
the same fields as plain text for a person at a terminal.
"""

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, Final, Literal, TextIO

from shared.redact import redact_text

LogFormat = Literal["json", "text"]
article_id_var: ContextVar[str | None] = ContextVar("article_id", default=None)
run_id_var: ContextVar[str | None] = ContextVar("run_id", default=None)
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
CONTEXT_VARS: Final = {"article_id": article_id_var, "run_id": run_id_var}
# Loggers that frameworks give handlers of their own (uvicorn's LOGGING_CONFIG): adopted, so
# their lines go through the root handler and come out in the same format. Not uvicorn.access:
# the gateway runs with --no-access-log and writes its own access line (services/gateway/observe.py)
# with the route template, not the raw path and query.
FRAMEWORK_LOGGERS: Final = ("uvicorn", "uvicorn.error", "celery")
OURS: Final = "newsflow_handler"  # marks the handler configure_logging installed
TEXT_FORMAT: Final = "%(asctime)s %(levelname)s %(service)s %(name)s%(ids)s: %(message)s"


def context_fields() -> dict[str, str]:
    """The ids known in the current context (a task, a request); absent ones are left out."""
    fields = {name: var.get() for name, var in CONTEXT_VARS.items()}
    fields["request_id"] = request_id_var.get()
    return {name: value for name, value in fields.items() if value}


@contextmanager
def bound(article_id: str | None, run_id: str | None) -> Iterator[None]:
    """Log lines written inside carry these ids (the previous ones come back after)."""
    tokens = [
        (article_id_var, article_id_var.set(article_id)),
        (run_id_var, run_id_var.set(run_id)),
    ]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


class ContextFilter(logging.Filter):
    """Stamps every record with its service and the context's ids, for either format."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        fields = context_fields()
        record.context = fields
        record.ids = "".join(f" {k}={v}" for k, v in fields.items())
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line; tracebacks are redacted too (the record factory in
    shared/redact.py sees only the message)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact_text(record.getMessage()),
            "service": getattr(record, "service", None),
        }
        entry.update(getattr(record, "context", None) or context_fields())
        if record.exc_info:
            entry["exception"] = redact_text(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact_text(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        return redact_text(super().format(record))


def make_handler(service: str, log_format: LogFormat) -> logging.StreamHandler[TextIO]:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(ContextFilter(service))
    return handler


def configure_logging(service: str, log_format: LogFormat, level: int | str = logging.INFO) -> None:
    """The root logger writes ``log_format`` to stderr; framework loggers hand their lines to it."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, OURS, False)]:
        root.removeHandler(old)  # ours from an earlier call; others' (pytest's) are left alone
    handler = make_handler(service, log_format)
    setattr(handler, OURS, True)
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)  # warnings.warn() output becomes log lines in the same format
    for name in FRAMEWORK_LOGGERS:
        framework = logging.getLogger(name)
        framework.handlers.clear()
        framework.propagate = True
