"""The callback sender: a Celery worker on queue ``callbacks`` (``services/stack.py``).

Its own process and queue, so a slow or hostile receiver (each attempt is bounded by
CALLBACK_TIMEOUT_SECONDS, retried with backoff) never delays the collector folding results in.
The collector and the sweeper send ``results.callback`` by name when a run ends.
"""

import logging

from celery import Task
from redis import Redis

from services.gateway import callback_once
from services.gateway.callback import CallbackError, deliver, notification
from services.gateway.store import ArticleStore
from shared.celery_app import make_celery
from shared.names import TASK_CALLBACK
from shared.settings import get_settings

log = logging.getLogger(__name__)
settings = get_settings()
app = make_celery("callbacks", settings)
_redis: Redis | None = None
MAX_BACKOFF_SECONDS = 300  # a receiver down for long is tried about every five minutes


def redis() -> Redis:
    global _redis
    if _redis is None:
        _redis = Redis.from_url(settings.redis_url, socket_timeout=10)
    return _redis


def backoff_seconds(retries: int) -> int:
    return int(min(MAX_BACKOFF_SECONDS, 5 * 2**retries))


@app.task(name=TASK_CALLBACK, bind=True, max_retries=settings.callback_max_retries)
def callback(self: Task, article_id: str, run_id: str) -> str:
    """Deliver the done/failed notification of one run, at most once."""
    client = redis()
    if callback_once.finished(client, run_id):
        return "skipped: already sent"
    result = ArticleStore(client).get(article_id)
    if result is None or result.run_id != run_id or not result.callback_url:
        return "skipped"
    # Longer than one delivery can take, so the lock never lapses while a delivery runs.
    if not callback_once.claim(client, run_id, 2 * settings.callback_timeout_seconds + 5):
        raise self.retry(countdown=int(settings.callback_timeout_seconds) + 1)
    ttl = settings.article_ttl_seconds or settings.result_expires_seconds
    try:
        try:
            status = deliver(result.callback_url, notification(result), settings)
        except CallbackError as exc:
            if exc.retryable and self.request.retries < (self.max_retries or 0):
                raise self.retry(exc=exc, countdown=backoff_seconds(self.request.retries)) from exc
            callback_once.finish(client, run_id, f"failed: {exc}", ttl)
            log.warning("callback for %s given up: %s", article_id, exc)
            return f"failed: {exc}"
        callback_once.finish(client, run_id, f"delivered: {status}", ttl)
        return f"delivered: {status}"
    finally:
        callback_once.release(client, run_id)
