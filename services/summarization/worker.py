"""Celery shell of the summarization stage."""

from typing import Any

from celery import Task
from celery.signals import worker_process_init

from services.summarization import embeddings
from services.summarization.core import summarize
from shared.celery_app import NewsflowCelery, make_celery, module_app
from shared.models import StageRequest, Summary
from shared.names import TASK_SUMMARIZATION
from shared.settings import Settings
from shared.stage import ids_of, run_stage


def create_app(settings: Settings) -> NewsflowCelery:
    app = make_celery("summarization", settings)

    @worker_process_init.connect(weak=False)
    def _load_model(**_: Any) -> None:
        embeddings.load()  # the sentence vectors' weights, before the first article

    @app.task(
        shared=False, name=TASK_SUMMARIZATION, bind=True, max_retries=settings.task_max_retries
    )
    def summarize_article(self: Task, payload: dict[str, Any]) -> str:
        def produce() -> Summary:
            request = StageRequest.model_validate(payload)
            return summarize(request.document, request.options.summary, settings)

        return run_stage(self, "summarization", ids_of(payload), produce)

    return app


__getattr__ = module_app(create_app)  # ``app``, for ``celery --app``
