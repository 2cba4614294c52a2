"""Celery shell of the extraction stage; the model loads once per worker process."""

from typing import Any

from celery import Task
from celery.signals import worker_process_init

from services.extraction.core import Pipeline, extract, load_pipeline
from shared.celery_app import make_celery
from shared.models import Extraction, StageRequest
from shared.names import TASK_EXTRACTION
from shared.settings import get_settings
from shared.stage import ids_of, run_stage

settings = get_settings()
app = make_celery("extraction", settings)
_pipeline: Pipeline | None = None


def pipeline() -> Pipeline:
    global _pipeline
    if _pipeline is None:
        _pipeline = load_pipeline(settings)
    return _pipeline


@worker_process_init.connect
def _load_model(**_: Any) -> None:
    pipeline()


@app.task(name=TASK_EXTRACTION, bind=True, max_retries=settings.task_max_retries)
def extract_article(self: Task, payload: dict[str, Any]) -> str:
    def produce() -> Extraction:
        request = StageRequest.model_validate(payload)
        return extract(pipeline(), request.document)

    return run_stage(self, "extraction", ids_of(payload), produce)
