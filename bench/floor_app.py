"""A Celery app whose one task reads its message and does nothing: a message's cost alone.

Built by the same ``make_celery`` as the stage workers (their transport, settings, JSON logs and
task metrics), so ``bench.task_floor`` measures Newsflow's own per-task cost, not Celery's in
general. Run as ``celery --app bench.floor_app worker --queues floor``.
"""

import os
import time
from functools import cache
from typing import Any

from kombu.entity import Queue
from redis import Redis

from shared.celery_app import NewsflowCelery, make_celery, module_app
from shared.models import StageRequest
from shared.settings import Settings

QUEUE = "floor"
TASK = "bench.floor.noop"
# Messages whose run id starts so are the idle phase's: the task notes when it began running.
IDLE_PREFIX = "idle-"
STARTED = "floor:started"


@cache
def _redis(url: str) -> Redis:
    return Redis.from_url(url)


def _listed(payload: dict[str, Any] | list[dict[str, Any]]) -> list[dict[str, Any]]:
    return payload if isinstance(payload, list) else [payload]


def create_app(settings: Settings) -> NewsflowCelery:
    app = make_celery("floor", settings)
    app.conf.task_queues = [Queue(QUEUE)]
    app.conf.task_routes = {TASK: {"queue": QUEUE}}

    # What ``bench.task_floor`` varies besides the pool: task events, which Flower reads.
    app.conf.worker_send_task_events = os.environ.get("FLOOR_TASK_EVENTS", "1") == "1"

    @app.task(shared=False, name=TASK)
    def noop(payload: dict[str, Any] | list[dict[str, Any]]) -> str:
        """One stage message, or a batch of them in one message (the floor's ``batch8`` variant:
        what carrying several articles a message would cost)."""
        began = time.time()
        requests = [StageRequest.model_validate(p) for p in _listed(payload)]
        if requests[0].run_id.startswith(IDLE_PREFIX):
            _redis(settings.redis_url).hset(STARTED, requests[0].run_id, repr(began))
        return requests[0].article_id

    return app


__getattr__ = module_app(create_app)  # ``app``, for ``celery --app``
