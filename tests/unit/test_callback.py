"""Callback delivery against loopback receivers: signature, address policy, deadline, caps."""

import contextlib
import hashlib
import hmac
import json
import socket
import socketserver
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from redis import Redis

from services.gateway import callback_once
from services.gateway.callback import (
    MAX_RESPONSE_BYTES,
    SIGNATURE_HEADER,
    CallbackError,
    deliver,
    notification,
    signature,
    verify,
)
from shared.models import ArticleResult
from shared.settings import Settings
from tests.conftest import RedisServer

SECRET = "s3cret"
ALLOW = Settings(callback_secret=SECRET, allow_private_urls=True, callback_timeout_seconds=2.0)


def test_signature_covers_the_timestamp_and_the_body() -> None:
    body = b'{"id":"a_1"}'
    # Written out from the documented format: HMAC-SHA256 of "<t>." + body, hex.
    expected = hmac.new(b"key", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature("key", body, 1700000000) == f"t=1700000000,v1={expected}"
    assert signature("key", body, 1700000001) != signature("key", body, 1700000000)


def test_a_receiver_refuses_replays_tampering_and_other_keys() -> None:
    body, sent_at = b'{"id":"a_1"}', 1_700_000_000
    header = signature(SECRET, body, sent_at)
    assert verify(SECRET, header, body, now=sent_at + 10)
    assert not verify(SECRET, header, body, now=sent_at + 3600)  # replayed an hour later
    assert not verify(SECRET, header, body + b" ", now=sent_at)
    assert not verify("other", header, body, now=sent_at)
    assert not verify(SECRET, f"t={sent_at + 1}," + header.split(",")[1], body, now=sent_at)
    assert not verify(SECRET, "sha256=abc", body, now=sent_at)


def test_notification_is_small_and_points_at_the_result() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    result = ArticleResult(
        id="a_1",
        run_id="r",
        status="done",
        content_type="text",
        submitted_at=now,
        updated_at=now,
        finished_at=now,
        callback_url="https://hooks.example/x?token=t",
    )
    body = json.loads(notification(result))
    assert body == {
        "id": "a_1",
        "run_id": "r",
        "status": "done",
        "finished_at": now.isoformat(),
        "error": None,
        "links": {"self": "/articles/a_1"},
    }


Reply = Callable[[socket.socket, bytes], None]


@contextmanager
def receiver(reply: Reply) -> Iterator[tuple[int, list[bytes]]]:
    """A raw TCP receiver: ``reply`` writes whatever answer (or none) a test needs."""
    requests: list[bytes] = []

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = self.request.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = int(
                next(
                    line.split(b":")[1]
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
            )
            while len(body) < length:
                body += self.request.recv(65536)
            requests.append(head + b"\r\n\r\n" + body)
            with contextlib.suppress(OSError):  # the sender hung up: a deadline or a cap did it
                reply(self.request, head)

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], requests
    finally:
        server.shutdown()
        server.server_close()


def answer(status: int) -> Reply:
    def reply(sock: socket.socket, _: bytes) -> None:
        sock.sendall(f"HTTP/1.1 {status} X\r\nContent-Length: 0\r\n\r\n".encode())

    return reply


def test_delivery_is_signed_pinned_and_keeps_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    lookups: list[str] = []
    real = socket.getaddrinfo

    def counting(host: Any, *args: Any, **kwargs: Any) -> Any:
        lookups.append(str(host))
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", counting)
    with receiver(answer(204)) as (port, requests):
        before = time.time()
        assert deliver(f"http://localhost:{port}/hook", b'{"id":"a_1"}', ALLOW) == 204
    head, _, body = requests[0].partition(b"\r\n\r\n")
    headers = {
        k.strip().lower(): v.strip()
        for k, v in (line.split(":", 1) for line in head.decode().split("\r\n")[1:])
    }
    assert headers["host"] == f"localhost:{port}"
    assert verify(SECRET, headers[SIGNATURE_HEADER.lower()], body, now=before)
    assert lookups.count("localhost") == 1  # checked once, then connected to that address


def test_private_callback_targets_are_refused_without_retry() -> None:
    with receiver(answer(204)) as (port, requests):
        settings = Settings(callback_secret=SECRET, allow_private_urls=False)
        with pytest.raises(CallbackError) as refused:
            deliver(f"http://localhost:{port}/hook", b"{}", settings)
    assert not refused.value.retryable and "non-public address" in str(refused.value)
    assert requests == []


def test_redirects_are_not_followed_and_4xx_is_final() -> None:
    def redirect(sock: socket.socket, _: bytes) -> None:
        sock.sendall(b"HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/\r\n\r\n")

    with receiver(redirect) as (port, requests), pytest.raises(CallbackError) as moved:
        deliver(f"http://127.0.0.1:{port}/hook", b"{}", ALLOW)
    assert "302" in str(moved.value) and len(requests) == 1
    with receiver(answer(503)) as (port, _), pytest.raises(CallbackError) as down:
        deliver(f"http://127.0.0.1:{port}/hook", b"{}", ALLOW)
    assert down.value.retryable
    with receiver(answer(410)) as (port, _), pytest.raises(CallbackError) as gone:
        deliver(f"http://127.0.0.1:{port}/hook", b"{}", ALLOW)
    assert not gone.value.retryable


def test_a_drip_fed_answer_hits_one_total_deadline() -> None:
    """Each byte comes well within a per-read timeout; only a total deadline stops this."""

    def drip(sock: socket.socket, _: bytes) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\n")
        for _line in range(40):
            sock.sendall(b"X-Slow: 1\r\n")
            time.sleep(0.25)

    settings = Settings(callback_secret=SECRET, allow_private_urls=True, callback_timeout_seconds=1)
    with receiver(drip) as (port, _):
        started = time.monotonic()
        with pytest.raises(CallbackError) as late:
            deliver(f"http://127.0.0.1:{port}/hook", b"{}", settings)
        elapsed = time.monotonic() - started
    assert late.value.retryable and "more than 1.0s" in str(late.value)
    assert elapsed < 2.5


def test_an_endless_answer_is_read_only_up_to_the_cap() -> None:
    def endless(sock: socket.socket, _: bytes) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
        chunk = b"x" * 16384
        for _chunk in range(100_000):  # about 1.6 GB if anyone read it all
            sock.sendall(chunk)

    with receiver(endless) as (port, _):
        assert MAX_RESPONSE_BYTES < 1_000_000
        assert deliver(f"http://127.0.0.1:{port}/hook", b"{}", ALLOW) == 200


def test_proxies_from_the_environment_are_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens on the discard port
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    with receiver(answer(200)) as (port, requests):
        assert deliver(f"http://127.0.0.1:{port}/hook", b"{}", ALLOW) == 200
    assert len(requests) == 1


def test_credentials_in_the_callback_url_stay_out_of_errors() -> None:
    with receiver(answer(500)) as (port, requests), pytest.raises(CallbackError) as failed:
        deliver(f"http://user:pw@127.0.0.1:{port}/hook?token=t0k", b"{}", ALLOW)
    assert "pw" not in str(failed.value) and "t0k" not in str(failed.value)
    assert f"http://***@127.0.0.1:{port}/hook?token=***" in str(failed.value)
    assert b"Authorization: Basic" in requests[0]  # the receiver still got its credentials


@pytest.fixture
def redis(redis_server: RedisServer) -> Redis:
    client = Redis(port=redis_server.port, db=14)
    client.flushdb()
    return client


def test_one_final_outcome_per_run_and_one_delivery_in_flight(redis: Redis) -> None:
    assert not callback_once.finished(redis, "run1")
    assert callback_once.claim(redis, "run1", 10)
    assert not callback_once.claim(redis, "run1", 10)  # a duplicate task waits its turn
    assert callback_once.finish(redis, "run1", "delivered: 204", 60)
    callback_once.release(redis, "run1")
    assert callback_once.finished(redis, "run1")
    assert not callback_once.finish(redis, "run1", "failed: late duplicate", 60)
    assert redis.get(callback_once.marker_key("run1")) == b"delivered: 204"
    assert not callback_once.finished(redis, "run2")
