"""Limits the gateway enforces before any work is queued: body size, rate, backlog.

API keys are checked in ``tenancy.py``; rate buckets are named by ``tenancy.rate_client``.
"""

import time

from redis import Redis
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.gateway.broker import queue_depths
from services.gateway.problems import PROBLEM_JSON, Problem, problem_body
from shared.settings import Settings


class BodySizeLimit:
    """Refuses bodies over the limit with 413, counting streamed bytes, not trusting headers."""

    def __init__(self, app: ASGIApp, max_bytes: int, batch_max_bytes: int) -> None:
        self.app, self.max_bytes, self.batch_max_bytes = app, max_bytes, batch_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        limit = self.batch_max_bytes if scope["path"].endswith("/batch") else self.max_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(send, limit)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(send, limit)

    @staticmethod
    async def _refuse(send: Send, limit: int) -> None:
        import json

        body = json.dumps(
            problem_body(413, "Request too large", f"bodies are limited to {limit} bytes")
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


def check_content_type(content_type: str | None, accepted: tuple[str, ...]) -> None:
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type not in accepted:
        raise Problem(
            415,
            "Unsupported media type",
            f"send {' or '.join(accepted)}, not {media_type or 'no content type'}",
            [{"field": "header.content-type", "reason": f"expected {' or '.join(accepted)}"}],
        )


def check_rate(redis: Redis, settings: Settings, client: str, cost: int = 1) -> None:
    """Submissions: a fixed one-minute window per client, shared by every gateway replica."""
    _check_window(redis, "rate", client, cost, settings.rate_limit_per_minute, "articles")


def check_query_rate(redis: Redis, settings: Settings, client: str) -> None:
    """Corpus reads (search, entities, stories, export): a budget of their own, so an analyst's
    searching never uses up their submissions, nor a scraper's paging the database."""
    _check_window(redis, "query-rate", client, 1, settings.query_rate_limit_per_minute, "queries")


def _check_window(redis: Redis, kind: str, client: str, cost: int, limit: int, what: str) -> None:
    if limit == 0:
        return
    window = int(time.time() // 60)
    key = f"newsflow:{kind}:{client}:{window}"
    with redis.pipeline() as pipe:
        pipe.incrby(key, cost)
        pipe.expire(key, 120)
        used = int(pipe.execute()[0])
    if used > limit:
        retry_after = 60 - int(time.time()) % 60
        raise Problem(
            429,
            "Too many requests",
            f"at most {limit} {what} a minute per client",
            headers={"Retry-After": str(retry_after)},
        )


# Seconds a client waits when a queue is full: a few articles' work for one worker per stage, short
# enough that clients come back soon after a stage catches up.
BACKLOG_RETRY_AFTER_SECONDS = 10


def check_backlog(redis: Redis, settings: Settings) -> None:
    """429 while any queue (stages, results, callbacks) holds ``max_queue_depth`` messages or more.

    Bounding ingest alone lets a slow later stage grow its queue until Redis runs out of memory.
    """
    limit = settings.max_queue_depth
    full = {queue: n for queue, n in queue_depths(redis).items() if n >= limit}
    if full:
        detail = "; ".join(f"queue {q} holds {n} messages (limit {limit})" for q, n in full.items())
        raise Problem(
            429,
            "Pipeline busy",
            detail,
            headers={"Retry-After": str(BACKLOG_RETRY_AFTER_SECONDS)},
        )
