"""shared/logs.py: one JSON object per line, with the context's ids and no credentials."""

import io
import json
import logging
from collections.abc import Iterator

import pytest

from shared.logs import (
    OURS,
    ContextFilter,
    JsonFormatter,
    TextFormatter,
    bound,
    configure_logging,
    request_id_var,
)
from shared.redact import install_log_redaction


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter("ingest"))
    logger = logging.getLogger("tests.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_line_is_one_json_object_with_the_fields_operators_filter_on(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    with bound("a_123", "r_456"):
        logger.info("stage %s done\nin %d ms", "ingest", 12)
    logger.warning("outside any task")
    inside, outside = lines(stream)
    assert inside["message"] == "stage ingest done\nin 12 ms"  # a newline stays inside the object
    assert inside["level"] == "INFO" and inside["logger"] == "tests.logs"
    assert inside["service"] == "ingest"
    assert (inside["article_id"], inside["run_id"]) == ("a_123", "r_456")
    assert str(inside["time"]).endswith("+00:00")
    assert "article_id" not in outside and "run_id" not in outside  # unknown ids are left out


def test_ids_are_restored_after_a_nested_binding(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = captured
    with bound("a_outer", "r_outer"):
        with bound("a_inner", None):
            logger.info("inner")
        logger.info("outer")
    inner, outer = lines(stream)
    assert inner["article_id"] == "a_inner" and "run_id" not in inner
    assert outer["article_id"] == "a_outer" and outer["run_id"] == "r_outer"


def test_the_request_id_is_carried_when_set(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    token = request_id_var.set("req-1")
    try:
        logger.info("answered")
    finally:
        request_id_var.reset(token)
    assert lines(stream)[0]["request_id"] == "req-1"


def test_credentials_are_redacted_in_messages_and_tracebacks(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    install_log_redaction()
    logger, stream = captured
    secret_url = "https://user:hunter2@example.org/feed?token=abc123"
    logger.info("fetching %s", secret_url)
    try:
        raise ValueError(f"cannot fetch {secret_url}")
    except ValueError:
        logger.exception("failed")
    text = stream.getvalue()
    assert "hunter2" not in text and "abc123" not in text
    message, failure = lines(stream)
    assert message["message"] == "fetching https://***@example.org/feed?token=***"
    assert "ValueError: cannot fetch https://***@example.org" in str(failure["exception"])


def test_text_format_carries_the_same_fields() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "see http://a:b@h/", None, None)
    with bound("a_1", "r_1"):
        ContextFilter("gateway").filter(record)
    line = TextFormatter().format(record)
    assert "INFO gateway x article_id=a_1 run_id=r_1: see http://***@h/" in line


def test_configure_logging_replaces_only_its_own_handler() -> None:
    root = logging.getLogger()
    foreign = logging.NullHandler()
    root.addHandler(foreign)
    try:
        configure_logging("gateway", "json")
        configure_logging("gateway", "text")
        assert foreign in root.handlers
        ours = [h for h in root.handlers if getattr(h, OURS, False)]
        assert len(ours) == 1  # however often it is called
        assert not logging.getLogger("uvicorn.error").handlers
    finally:
        root.removeHandler(foreign)
