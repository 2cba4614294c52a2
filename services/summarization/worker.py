"""Celery shell of the summarization stage."""

from typing import Any

from celery import Task

from services.summarization.core import summarize
from shared.celery_app import make_celery
from shared.models import StageRequest, Summary
from shared.names import TASK_SUMMARIZATION
from shared.settings import get_settings
from shared.stage import ids_of, run_stage

settings = get_settings()
app = make_celery("summarization", settings)


@app.task(name=TASK_SUMMARIZATION, bind=True, max_retries=settings.task_max_retries)
def summarize_article(self: Task, payload: dict[str, Any]) -> str:
    def produce() -> Summary:
        request = StageRequest.model_validate(payload)
        return summarize(request.document, request.options.summary, settings)

    return run_stage(self, "summarization", ids_of(payload), produce)
