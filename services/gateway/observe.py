"""What the gateway reports about each request: a request id (``X-Request-ID``, taken from the
client when it looks like one, else made), its own time (``Server-Timing``), log lines that carry
the id and the article id of the path, one access line, and the request and latency metrics
(shared/metrics/http.py).

A plain ASGI middleware, so streamed responses (event streams, exports) pass through untouched.
"""

import logging
import re
import time
import uuid
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.logs import article_id_var, request_id_var
from shared.metrics.http import HTTP_LATENCY, HTTP_REQUESTS, UNMATCHED_ROUTE, method_label

log = logging.getLogger("services.gateway.access")
REQUEST_ID_HEADER: Final = "x-request-id"
SERVER_TIMING_HEADER: Final = "server-timing"
# Ids that proxies and clients send (UUIDs, ULIDs, hex, AWS/GCP trace ids) fit; anything else
# (too long, spaces, control characters that could forge log lines) is replaced by our own.
_SANE_REQUEST_ID: Final = re.compile(r"[A-Za-z0-9._:=-]{1,128}")
# /articles/{article_id} and /articles/{article_id}/events; "batch" is a route, not an id.
_ARTICLE_PATH: Final = re.compile(r"/articles/([A-Za-z0-9_-]{1,128})(?:/[a-z]+)?/?")
NOT_ARTICLE_IDS: Final = frozenset({"batch"})


def server_timing(seconds: float) -> str:
    """The gateway's own time to the response headers (W3C Server-Timing, which browsers'
    developer tools show): what a client's round trip spent inside the app, the rest being the
    connection, the HTTP stack and the client (docs/performance.md)."""
    return f"app;dur={seconds * 1000:.2f}"


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    """The client's X-Request-ID when it looks sane, else a fresh random one."""
    for name, value in headers:
        if name.lower() == REQUEST_ID_HEADER.encode():
            candidate = value.decode("latin-1")
            if _SANE_REQUEST_ID.fullmatch(candidate):
                return candidate
            break
    return uuid.uuid4().hex


def article_id_in(path: str) -> str | None:
    match = _ARTICLE_PATH.fullmatch(path)
    if match is None or match.group(1) in NOT_ARTICLE_IDS:
        return None
    return match.group(1)


def route_of(scope: Scope) -> str:
    """The matched route's template (set in the scope by routing), never the raw path."""
    route = scope.get("route")
    return str(getattr(route, "path", UNMATCHED_ROUTE)) if route is not None else UNMATCHED_ROUTE


class Observe:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope.get("headers", []))
        tokens = (
            request_id_var.set(request_id),
            article_id_var.set(article_id_in(scope.get("path", ""))),
        )
        started = time.perf_counter()
        answered: list[tuple[int, float]] = []  # status, seconds to the headers

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                seconds = time.perf_counter() - started
                answered.append((int(message["status"]), seconds))
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                headers.append((SERVER_TIMING_HEADER.encode(), server_timing(seconds).encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            # An exception before any response: the server answers 500 on our behalf.
            status, seconds = answered[0] if answered else (500, time.perf_counter() - started)
            self._record(scope, status, seconds)
            request_id_var.reset(tokens[0])
            article_id_var.reset(tokens[1])

    @staticmethod
    def _record(scope: Scope, status: int, seconds: float) -> None:
        method, route = method_label(scope.get("method", "")), route_of(scope)
        HTTP_REQUESTS.labels(method, route, str(status)).inc()
        HTTP_LATENCY.labels(method, route).observe(seconds)
        log.info("%s %s %d %.1f ms", method, route, status, seconds * 1000)
