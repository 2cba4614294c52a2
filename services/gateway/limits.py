"""Limits the gateway enforces before any work is queued: body size, rate, backlog.

API keys are checked in ``tenancy.py``; rate buckets are named by ``tenancy.rate_client``.
"""

import time
from dataclasses import dataclass
from typing import Any

from redis import Redis
from redis.client import Pipeline
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.gateway.broker import BOUNDED_QUEUES, queue_lengths
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


def check_query_rate(redis: Redis, settings: Settings, client: str) -> None:
    """Corpus reads (search, entities, stories, export): a budget of their own, so an analyst's
    searching never uses up their submissions, nor a scraper's paging the database."""
    limit = settings.query_rate_limit_per_minute
    if limit == 0:
        return
    with redis.pipeline() as pipe:
        _count(pipe, _window_key("query-rate", client), 1)
        used = int(pipe.execute()[0])
    _judge_window(used, limit, "queries")


def _window_key(kind: str, client: str) -> str:
    return f"newsflow:{kind}:{client}:{int(time.time() // 60)}"


def _count(pipe: Pipeline, key: str, cost: int) -> None:
    pipe.incrby(key, cost)
    pipe.expire(key, 120)


def _judge_window(used: int, limit: int, what: str) -> None:
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
    admit(redis, Admission(settings))


def _judge_backlog(depths: dict[str, int], limit: int) -> None:
    full = {queue: n for queue, n in depths.items() if n >= limit}
    if full:
        detail = "; ".join(f"queue {q} holds {n} messages (limit {limit})" for q, n in full.items())
        raise Problem(
            429,
            "Pipeline busy",
            detail,
            headers={"Retry-After": str(BACKLOG_RETRY_AFTER_SECONDS)},
        )


@dataclass(frozen=True)
class Admission:
    """What a submission must pass before it is recorded: the client's rate window (``cost``
    articles: a fixed one-minute window per client, shared by every gateway replica; no client,
    no rate check) and, with ``backlog``, every bounded queue's depth.

    ``queue`` adds the reads to a pipeline the caller sends with reads of its own, so admitting
    an article and looking it up cost one Redis round trip, not three; ``judge`` then raises the
    429 the replies call for and hands back the caller's replies.
    """

    settings: Settings
    client: str | None = None
    cost: int = 1
    backlog: bool = True

    @property
    def _rated(self) -> bool:
        return self.client is not None and self.settings.rate_limit_per_minute > 0

    def queue(self, pipe: Pipeline) -> None:
        if self._rated and self.client is not None:
            _count(pipe, _window_key("rate", self.client), self.cost)
        if self.backlog:
            queue_lengths(pipe, BOUNDED_QUEUES)

    def judge(self, replies: list[Any]) -> list[Any]:
        if self._rated:
            _judge_window(int(replies[0]), self.settings.rate_limit_per_minute, "articles")
            replies = replies[2:]
        if self.backlog:
            depths = {q: int(n) for q, n in zip(BOUNDED_QUEUES, replies, strict=False)}
            _judge_backlog(depths, self.settings.max_queue_depth)
            replies = replies[len(BOUNDED_QUEUES) :]
        return replies


def admit(redis: Redis, admission: Admission) -> None:
    """The admission's checks on their own, in one round trip."""
    with redis.pipeline(transaction=False) as pipe:
        admission.queue(pipe)
        admission.judge(pipe.execute())
