"""Celery shell of the summarization stage."""

from typing import Any

from celery import Task

from services.summarization.core import summarize
from shared.celery_app import NewsflowCelery, default_app, make_celery
from shared.models import StageRequest, Summary
from shared.names import TASK_SUMMARIZATION
from shared.settings import Settings
from shared.stage import ids_of, run_stage


def create_app(settings: Settings) -> NewsflowCelery:
    app = make_celery("summarization", settings)

    @app.task(
        shared=False, name=TASK_SUMMARIZATION, bind=True, max_retries=settings.task_max_retries
    )
    def summarize_article(self: Task, payload: dict[str, Any]) -> str:
        def produce() -> Summary:
            request = StageRequest.model_validate(payload)
            return summarize(request.document, request.options.summary, settings)

        return run_stage(self, "summarization", ids_of(payload), produce)

    return app


def __getattr__(name: str) -> NewsflowCelery:
    if name == "app":  # what ``celery --app services.summarization.worker`` runs
        return default_app(create_app)
    raise AttributeError(name)
