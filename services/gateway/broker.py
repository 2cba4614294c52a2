"""The gateway's side of Celery: send work by task name, read queue depths.

Also the app Flower runs against (``celery -A services.gateway.broker flower``).
"""

from celery import Celery
from redis import Redis

from shared.celery_app import make_celery
from shared.models import IngestRequest
from shared.names import QUEUE_INGEST, STAGE_QUEUES, TASK_INGEST
from shared.settings import get_settings

app: Celery = make_celery("gateway", get_settings())


def send_ingest(celery: Celery, request: IngestRequest) -> str:
    result = celery.send_task(TASK_INGEST, args=[request.model_dump(mode="json")])
    return str(result.id)


def ingest_backlog(redis: Redis) -> int:
    """Messages waiting in the ingest queue (kombu keeps a Redis list named after the queue)."""
    return int(redis.llen(QUEUE_INGEST))


def queue_depths(redis: Redis) -> dict[str, int]:
    return {queue: int(redis.llen(queue)) for queue in STAGE_QUEUES.values()}


def consumers_by_queue(celery: Celery, timeout: float) -> dict[str, list[str]]:
    """Which workers consume which queue, asked of the workers themselves (remote control)."""
    replies = celery.control.inspect(timeout=timeout).active_queues() or {}
    found: dict[str, list[str]] = {}
    for worker, queues in replies.items():
        for queue in queues:
            found.setdefault(queue["name"], []).append(worker)
    return found
