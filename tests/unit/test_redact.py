"""Credentials inside URLs are masked wherever a URL is shown (shared/redact.py)."""

import logging
import time

import pytest

from shared.redact import install_log_redaction, redact_text, redact_url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:pass@example.org/x", "https://***@example.org/x"),
        ("https://token@example.org:8443/x", "https://***@example.org:8443/x"),
        ("https://example.org/x?token=abc&page=2", "https://example.org/x?token=***&page=2"),
        ("https://example.org/x?API-Key=abc", "https://example.org/x?API-Key=***"),
        ("https://example.org/x?X-Amz-Signature=f00", "https://example.org/x?X-Amz-Signature=***"),
        ("https://example.org/cb#access_token=abc", "https://example.org/cb#access_token=***"),
    ],
)
def test_secrets_in_urls_are_masked(url: str, shown: str) -> None:
    assert redact_url(url) == shown


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/news/2024/05/story.html",
        "https://example.org/search?q=a%20b&page=2",
        "http://127.0.0.1:8000/articles?x=1#top",
    ],
)
def test_urls_without_secrets_are_unchanged(url: str) -> None:
    assert redact_url(url) == url


def test_urls_inside_messages_are_masked_and_the_rest_kept() -> None:
    message = "callback to https://u:p@hooks.example/x?sig=1 failed (see http://docs.example/)"
    assert redact_text(message) == (
        "callback to https://***@hooks.example/x?sig=*** failed (see http://docs.example/)"
    )


def test_user_info_with_quotes_or_brackets_is_masked_whole() -> None:
    message = "GET https://bob:it's(ok)@example.org/x failed"
    assert redact_text(message) == "GET https://***@example.org/x failed"


def test_a_url_cut_inside_its_user_info_shows_no_part_of_it() -> None:
    assert redact_url("https://user:pa") == "https://***"
    assert redact_url("http://example.org:8080/x") == "http://example.org:8080/x"


def test_redacting_a_hostile_message_takes_linear_time() -> None:
    hostile = ("a://" + "x" * 5000 + " ") * 200 + "http://" + ":" * 200_000
    started = time.monotonic()
    redact_text(hostile)
    assert time.monotonic() - started < 1.0


def test_an_unparseable_url_shows_nothing() -> None:
    assert redact_url("http://[::1/secret") == "***"


def test_log_lines_are_redacted(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    install_log_redaction()  # idempotent: one wrapper, not two
    with caplog.at_level(logging.INFO):
        logging.getLogger("test.redact").info("POST %s failed", "https://a:b@example.org/h")
    assert caplog.messages == ["POST https://***@example.org/h failed"]
    assert "a:b" not in caplog.text
