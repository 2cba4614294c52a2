"""Celery shell of the ingest stage: fetch, build the Document, fan out to the NLP stages."""

from typing import Any

from celery import Task
from celery.signals import worker_process_init

from services.ingest.core import build_document
from services.ingest.fetch import fetch_url
from services.ingest.language import identifier
from shared.batch_stage import Finished, run_batch
from shared.batching import send_articles, send_group
from shared.celery_app import NewsflowCelery, make_celery, module_app
from shared.models import Document, IngestBatch, IngestRequest, StageRequest
from shared.names import TASK_INGEST, TASK_INGEST_BATCH, Stage
from shared.settings import Settings
from shared.stage import ids_of, run_stage

FED_STAGES: tuple[Stage, ...] = ("extraction", "summarization")


def stage_request(request: IngestRequest, document: Document) -> StageRequest:
    return StageRequest(
        article_id=request.article_id,
        run_id=request.run_id,
        document=document,
        options=request.submission.options,
    )


def fan_out(task: Task, request: IngestRequest, document: Document) -> None:
    send_group(task.app, FED_STAGES, [stage_request(request, document)])


def fan_out_batch(task: Task, finished: list[Finished[IngestRequest]], settings: Settings) -> None:
    """A batch's documents go on as batches too (cut again: a page's text is not its HTML)."""
    requests = [
        stage_request(r, document)
        for r, document, _, _ in finished
        if isinstance(document, Document)
    ]
    send_articles(task.app, FED_STAGES, requests, settings)


def create_app(settings: Settings) -> NewsflowCelery:
    app = make_celery("ingest", settings)

    @worker_process_init.connect(weak=False)
    def _load_language_model(**_: Any) -> None:
        identifier()

    def build(request: IngestRequest) -> Document:
        submission = request.submission
        fetched = fetch_url(str(submission.url), settings) if submission.kind == "url" else None
        return build_document(request.article_id, submission, settings, fetched)

    @app.task(shared=False, name=TASK_INGEST, bind=True, max_retries=settings.task_max_retries)
    def ingest_article(self: Task, payload: dict[str, Any]) -> str:
        def produce() -> Document:
            request = IngestRequest.model_validate(payload)
            document = build(request)
            fan_out(self, request, document)
            return document

        return run_stage(self, "ingest", ids_of(payload), produce)

    @app.task(shared=False, name=TASK_INGEST_BATCH, bind=True)
    def ingest_batch(self: Task, payload: dict[str, Any]) -> str:
        return run_batch(
            self,
            "ingest",
            payload,
            IngestBatch,
            build,
            lambda finished: fan_out_batch(self, finished, settings),
        )

    return app


__getattr__ = module_app(create_app)  # ``app``, for ``celery --app``
