"""shared.fetch against a real HTTP server on 127.0.0.1: conditional requests, validators,
Retry-After, caps and the time budget (the page-specific part is test_ingest_fetch.py)."""

import contextlib
import http.server
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import ClassVar

import pytest

from shared.fetch import ANY_MEDIA_TYPE, FetchError, fetch, retry_after_seconds
from shared.settings import Settings
from tests.loopback import serving

ALLOW = Settings(allow_private_urls=True)
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
ETAG = '"v1-abc"'
LAST_MODIFIED = "Mon, 30 Nov 2026 09:00:00 GMT"
RSS = ("application/rss+xml", "application/xml")
AGENT = "Newsflow-monitor/0.1 (test)"


class Handler(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, str]]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        Handler.seen.append({"path": self.path, **dict(self.headers.items())})
        validators = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
        if self.path == "/feed":
            unchanged = self.headers.get("If-None-Match") == ETAG or (
                self.headers.get("If-Modified-Since") == LAST_MODIFIED
            )
            if unchanged:
                self.send_response(304)
                for name, value in validators.items():
                    self.send_header(name, value)
                self.end_headers()
                return
            content_type = "application/rss+xml; charset=iso-8859-1"
            self.reply(200, FEED, {"Content-Type": content_type, **validators})
        elif self.path == "/moved":
            self.reply(301, b"", {"Location": "/feed"})
        elif self.path == "/busy":
            self.reply(503, b"busy", {"Content-Type": "text/plain", "Retry-After": "120"})
        elif self.path == "/throttled":
            later = "Wed, 21 Oct 2099 07:28:00 GMT"
            self.reply(429, b"slow down", {"Content-Type": "text/plain", "Retry-After": later})
        elif self.path == "/big":
            self.reply(200, b"<rss>" + b" " * 10_000 + b"</rss>", {"Content-Type": "text/xml"})
        elif self.path == "/slow":
            time.sleep(1.5)
            with contextlib.suppress(OSError):  # the client has long given up
                self.reply(200, FEED, {"Content-Type": "application/rss+xml"})
        elif self.path == "/odd-type":
            self.reply(200, FEED, {"Content-Type": "application/x-whatever"})
        else:
            self.reply(404, b"not found", {"Content-Type": "text/plain"})


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(Handler) as address:
        yield f"http://{address}"


def test_a_fresh_fetch_returns_body_type_charset_and_validators(server: str) -> None:
    fetched = fetch(f"{server}/feed", ALLOW, accept=RSS, user_agent=AGENT)
    assert fetched.status == 200 and not fetched.not_modified
    assert fetched.body == FEED
    assert fetched.media_type == "application/rss+xml" and fetched.charset == "iso-8859-1"
    assert fetched.etag == ETAG and fetched.last_modified == LAST_MODIFIED
    assert fetched.retry_after is None
    sent = Handler.seen[-1]
    assert sent["User-Agent"] == AGENT
    assert sent["Accept"] == "application/rss+xml, application/xml"
    assert sent["Accept-Encoding"] == "gzip, deflate"


@pytest.mark.parametrize("headers", [{"If-None-Match": ETAG}, {"If-Modified-Since": LAST_MODIFIED}])
def test_a_conditional_request_gets_a_304_result_without_body(
    server: str, headers: dict[str, str]
) -> None:
    fetched = fetch(f"{server}/feed", ALLOW, accept=RSS, user_agent=AGENT, headers=headers)
    assert fetched.status == 304 and fetched.not_modified
    assert fetched.body == b"" and fetched.media_type is None
    assert fetched.etag == ETAG and fetched.last_modified == LAST_MODIFIED
    name, value = next(iter(headers.items()))
    assert Handler.seen[-1][name] == value


def test_a_stale_validator_gets_the_body(server: str) -> None:
    fetched = fetch(
        f"{server}/feed", ALLOW, accept=RSS, user_agent=AGENT, headers={"If-None-Match": '"v0"'}
    )
    assert fetched.status == 200 and fetched.body == FEED


def test_conditional_headers_follow_a_redirect(server: str) -> None:
    fetched = fetch(
        f"{server}/moved", ALLOW, accept=RSS, user_agent=AGENT, headers={"If-None-Match": ETAG}
    )
    assert fetched.status == 304 and fetched.url == f"{server}/feed"


def test_the_caller_cannot_override_host_or_encoding(server: str) -> None:
    for name in ("Host", "accept-encoding"):
        with pytest.raises(ValueError, match="sets itself"):
            fetch(f"{server}/feed", ALLOW, accept=RSS, user_agent=AGENT, headers={name: "x"})


def test_error_answers_carry_status_and_retry_after(server: str) -> None:
    with pytest.raises(FetchError) as busy:
        fetch(f"{server}/busy", ALLOW, accept=RSS, user_agent=AGENT)
    assert busy.value.retryable and busy.value.status == 503 and busy.value.retry_after == 120
    with pytest.raises(FetchError) as throttled:
        fetch(f"{server}/throttled", ALLOW, accept=RSS, user_agent=AGENT)
    assert throttled.value.retryable and throttled.value.status == 429
    assert throttled.value.retry_after is not None and throttled.value.retry_after > 86_400
    with pytest.raises(FetchError) as missing:
        fetch(f"{server}/missing", ALLOW, accept=RSS, user_agent=AGENT)
    assert not missing.value.retryable and missing.value.status == 404


def test_media_types_are_checked_unless_any_is_accepted(server: str) -> None:
    with pytest.raises(FetchError, match="unsupported content type 'application/x-whatever'"):
        fetch(f"{server}/odd-type", ALLOW, accept=RSS, user_agent=AGENT)
    anything = fetch(f"{server}/odd-type", ALLOW, accept=[ANY_MEDIA_TYPE], user_agent=AGENT)
    assert anything.body == FEED and anything.media_type == "application/x-whatever"


def test_the_size_cap_holds_and_max_bytes_overrides_the_setting(server: str) -> None:
    accept = ["text/xml"]
    assert len(fetch(f"{server}/big", ALLOW, accept=accept, user_agent=AGENT).body) > 10_000
    with pytest.raises(FetchError, match="more than the 1000 bytes allowed") as capped:
        fetch(f"{server}/big", ALLOW, accept=accept, user_agent=AGENT, max_bytes=1_000)
    assert not capped.value.retryable
    small = Settings(allow_private_urls=True, url_max_bytes=2_000)
    with pytest.raises(FetchError, match="2000 bytes"):
        fetch(f"{server}/big", small, accept=accept, user_agent=AGENT)


def test_the_time_budget_holds(server: str) -> None:
    hurried = Settings(allow_private_urls=True, url_fetch_timeout_seconds=0.3)
    with pytest.raises(FetchError, match="timed out") as late:
        fetch(f"{server}/slow", hurried, accept=RSS, user_agent=AGENT)
    assert late.value.retryable and late.value.status is None


def test_private_addresses_are_refused_by_default(server: str) -> None:
    before = len(Handler.seen)
    with pytest.raises(FetchError, match="non-public address") as refused:
        fetch(f"{server}/feed", Settings(), accept=RSS, user_agent=AGENT)
    assert not refused.value.retryable and len(Handler.seen) == before


def test_retry_after_reads_seconds_and_dates() -> None:
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("90", now) == 90
    assert retry_after_seconds("Mon, 30 Nov 2026 12:02:00 GMT", now) == 120
    assert retry_after_seconds("Mon, 30 Nov 2026 11:00:00 GMT", now) == 0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None
