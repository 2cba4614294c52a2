"""Celery shell of the extraction stage; the model loads once per worker process."""

from collections.abc import Callable
from functools import cache
from typing import Any

from celery import Task
from celery.signals import worker_process_init

from services.extraction.core import Pipeline, extract, load_pipeline
from shared.batch_stage import run_batch
from shared.celery_app import NewsflowCelery, make_celery, module_app
from shared.models import Extraction, StageBatch, StageRequest
from shared.names import TASK_EXTRACTION, TASK_EXTRACTION_BATCH
from shared.settings import Settings
from shared.stage import ids_of, run_stage


def create_app(settings: Settings) -> NewsflowCelery:
    app = make_celery("extraction", settings)
    pipeline: Callable[[], Pipeline] = cache(lambda: load_pipeline(settings))  # once per process

    @worker_process_init.connect(weak=False)
    def _load_model(**_: Any) -> None:
        pipeline()

    @app.task(shared=False, name=TASK_EXTRACTION, bind=True, max_retries=settings.task_max_retries)
    def extract_article(self: Task, payload: dict[str, Any]) -> str:
        return run_stage(
            self,
            "extraction",
            ids_of(payload),
            lambda: extraction_of(StageRequest.model_validate(payload)),
        )

    def extraction_of(request: StageRequest) -> Extraction:
        return extract(pipeline(), request.document)

    @app.task(shared=False, name=TASK_EXTRACTION_BATCH, bind=True)
    def extract_batch(self: Task, payload: dict[str, Any]) -> str:
        return run_batch(self, "extraction", payload, StageBatch, extraction_of)

    return app


__getattr__ = module_app(create_app)  # ``app``, for ``celery --app``
