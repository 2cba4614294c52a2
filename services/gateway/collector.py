"""The collector: a Celery worker on queue ``results`` that folds stage outcomes into articles.

Run as its own process (``celery -A services.gateway.collector worker -Q results``); it shares the
gateway's store code and imports no NLP package.
"""

import logging
from datetime import UTC, datetime
from typing import Any

from celery import Task
from redis import Redis

from services.gateway.merge import merge_outcome
from services.gateway.store import ArticleStore
from shared.celery_app import make_celery
from shared.models import ArticleResult, StageOutcome
from shared.names import TASK_COLLECT
from shared.settings import get_settings

log = logging.getLogger(__name__)
settings = get_settings()
app = make_celery("collector", settings)
_store: ArticleStore | None = None


def store() -> ArticleStore:
    global _store
    if _store is None:
        _store = ArticleStore(Redis.from_url(settings.redis_url), settings.article_ttl_seconds)
    return _store


@app.task(name=TASK_COLLECT, bind=True, max_retries=None, default_retry_delay=1)
def collect(self: Task, payload: dict[str, Any]) -> str:
    outcome = StageOutcome.model_validate(payload)

    def change(result: ArticleResult) -> Any:
        return merge_outcome(result, outcome, datetime.now(UTC))

    events = store().update(outcome.article_id, change)
    if not events:
        log.info(
            "ignored %s outcome for %s (stale, duplicate or unknown)",
            outcome.stage,
            outcome.article_id,
        )
    return ",".join(e.type for e in events) or "ignored"
