"""The gateway's side of Celery: send work by task name, read queue depths.

The gateway builds its app from its own settings (app.py); the module attribute ``app`` is the
one Flower runs against (``celery -A services.gateway.broker flower``), built on first use.
"""

from collections.abc import Sequence
from typing import Final

from celery import Celery
from redis import Redis
from redis.client import Pipeline

from shared.celery_app import NewsflowCelery, make_celery, module_app
from shared.names import QUEUE_CALLBACKS, QUEUE_RESULTS, QUEUE_SOURCES, STAGE_QUEUES
from shared.settings import Settings


def create_app(settings: Settings) -> NewsflowCelery:
    """Sends only: the gateway runs no tasks."""
    return make_celery("gateway", settings)


__getattr__ = module_app(create_app)  # ``app``, for ``celery --app``


# Every queue a submission adds work to: each is bounded by MAX_QUEUE_DEPTH (limits.check_backlog).
BOUNDED_QUEUES: Final = (*STAGE_QUEUES.values(), QUEUE_RESULTS, QUEUE_CALLBACKS)
# Every queue whose depth /metrics reports: the bounded ones, and the monitor's polls and ticks.
# `sources` is not bounded: polls are not submissions, so a poll backlog must not refuse clients'
# articles (nor the poller's own items, which pass check_backlog too).
REPORTED_QUEUES: Final = (*BOUNDED_QUEUES, QUEUE_SOURCES)


def queue_depths(redis: Redis, queues: Sequence[str] = BOUNDED_QUEUES) -> dict[str, int]:
    """Messages waiting per queue (kombu keeps a Redis list named after each), in one round trip."""
    with redis.pipeline(transaction=False) as pipe:
        queue_lengths(pipe, queues)
        lengths = pipe.execute()
    return {queue: int(length) for queue, length in zip(queues, lengths, strict=True)}


def queue_lengths(pipe: Pipeline, queues: Sequence[str]) -> None:
    """Adds the reads of ``queues``' depths to ``pipe``, one reply each, in order."""
    for queue in queues:
        pipe.llen(queue)


def consumers_by_queue(celery: Celery, timeout: float) -> dict[str, list[str]]:
    """Which workers consume which queue, asked of the workers themselves (remote control)."""
    replies = celery.control.inspect(timeout=timeout).active_queues() or {}
    found: dict[str, list[str]] = {}
    for worker, queues in replies.items():
        for queue in queues:
            found.setdefault(queue["name"], []).append(worker)
    return found
