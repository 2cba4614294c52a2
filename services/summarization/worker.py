"""Celery shell of the summarization stage."""

from typing import Any

from celery import Task
from celery.signals import worker_process_init

from services.summarization import embeddings
from services.summarization.core import summarize
from shared.batch_stage import run_batch
from shared.celery_app import NewsflowCelery, make_celery, module_app
from shared.models import StageBatch, StageRequest, Summary
from shared.names import TASK_SUMMARIZATION, TASK_SUMMARIZATION_BATCH
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
        return run_stage(
            self,
            "summarization",
            ids_of(payload),
            lambda: summary_of(StageRequest.model_validate(payload)),
        )

    def summary_of(request: StageRequest) -> Summary:
        return summarize(request.document, request.options.summary, settings)

    @app.task(shared=False, name=TASK_SUMMARIZATION_BATCH, bind=True)
    def summarize_batch(self: Task, payload: dict[str, Any]) -> str:
        return run_batch(self, "summarization", payload, StageBatch, summary_of)

    return app


__getattr__ = module_app(create_app)  # ``app``, for ``celery --app``
