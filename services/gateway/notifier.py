"""The callback sender: a Celery worker on queue ``callbacks`` (``services/stack.py``).

Its own process and queue, so a slow or hostile receiver (each attempt is bounded by
CALLBACK_TIMEOUT_SECONDS, retried with backoff) never delays the collector folding results in.
The collector and the sweeper send ``results.callback`` by name when a run ends; the collector
and the monitor's scheduler send ``alerts.deliver`` for a watchlist alert with a webhook.
"""

import logging
from datetime import UTC, datetime
from functools import cache

from celery import Task
from redis import Redis

from services.gateway import callback_once
from services.gateway.callback import CallbackError, deliver, notification
from services.gateway.corpus.database import connect
from services.gateway.monitor import alerts
from services.gateway.store import ArticleStore
from shared.celery_app import NewsflowCelery, make_celery, module_app
from shared.names import TASK_ALERT_DELIVER, TASK_CALLBACK
from shared.settings import Settings

log = logging.getLogger(__name__)
MAX_BACKOFF_SECONDS = 300  # a receiver down for long is tried about every five minutes


def backoff_seconds(retries: int) -> int:
    return int(min(MAX_BACKOFF_SECONDS, 5 * 2**retries))


def create_app(settings: Settings) -> NewsflowCelery:
    app = make_celery("callbacks", settings)
    # Made on first use, in the pool process that uses them (never shared across a fork).
    redis = cache(lambda: Redis.from_url(settings.redis_url, socket_timeout=10))
    archive_engine = cache(lambda: connect(settings.database_url))  # alerts live in the archive

    @app.task(
        shared=False, name=TASK_CALLBACK, bind=True, max_retries=settings.callback_max_retries
    )
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
                    countdown = backoff_seconds(self.request.retries)
                    raise self.retry(exc=exc, countdown=countdown) from exc
                callback_once.finish(client, run_id, f"failed: {exc}", ttl)
                log.warning("callback for %s given up: %s", article_id, exc)
                return f"failed: {exc}"
            callback_once.finish(client, run_id, f"delivered: {status}", ttl)
            return f"delivered: {status}"
        finally:
            callback_once.release(client, run_id)

    @app.task(
        shared=False, name=TASK_ALERT_DELIVER, bind=True, max_retries=settings.alert_max_deliveries
    )
    def deliver_alert(self: Task, alert_id: int) -> str:
        """POST one alert to its watchlist's webhook, signed like a callback; at least once (the
        receiver dedupes on the alert id), and never two copies at the same time."""
        with archive_engine().connect() as conn:
            found = alerts.get(conn, alert_id)
        if found is None:
            return "skipped: gone"
        alert, url = found
        if alert.delivered_at is not None or url is None:
            return "skipped: delivered or no webhook"
        client = redis()
        marker = f"alert-{alert_id}"
        if not callback_once.claim(client, marker, 2 * settings.callback_timeout_seconds + 5):
            raise self.retry(countdown=int(settings.callback_timeout_seconds) + 1)
        try:
            try:
                status = deliver(url, alerts.notification(alert), settings)
            except CallbackError as exc:
                with archive_engine().begin() as conn:
                    alerts.attempted(conn, alert_id, str(exc), datetime.now(UTC))
                if exc.retryable and self.request.retries < (self.max_retries or 0):
                    countdown = backoff_seconds(self.request.retries)
                    raise self.retry(exc=exc, countdown=countdown) from exc
                log.warning("alert %s given up: %s", alert_id, exc)
                return f"failed: {exc}"
            with archive_engine().begin() as conn:
                alerts.attempted(conn, alert_id, None, datetime.now(UTC))
            return f"delivered: {status}"
        finally:
            callback_once.release(client, marker)

    return app


__getattr__ = module_app(create_app)  # ``app``, for ``celery --app``
