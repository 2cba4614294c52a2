"""Celery shell of the ingest stage: fetch, build the Document, fan out to the NLP stages."""

from typing import Any

from celery import Task
from celery.signals import worker_process_init

from services.ingest.core import build_document
from services.ingest.fetch import fetch_url
from services.ingest.language import identifier
from shared.celery_app import NewsflowCelery, brief_args, make_celery, module_app
from shared.models import Document, IngestRequest, StageRequest
from shared.names import TASK_EXTRACTION, TASK_INGEST, TASK_SUMMARIZATION
from shared.settings import Settings
from shared.stage import ids_of, run_stage


def fan_out(task: Task, request: IngestRequest, document: Document) -> None:
    message = StageRequest(
        article_id=request.article_id,
        run_id=request.run_id,
        document=document,
        options=request.submission.options,
    ).model_dump(mode="json")
    for name in (TASK_EXTRACTION, TASK_SUMMARIZATION):
        task.app.send_task(name, args=[message], argsrepr=brief_args(message))


def create_app(settings: Settings) -> NewsflowCelery:
    app = make_celery("ingest", settings)

    @worker_process_init.connect(weak=False)
    def _load_language_model(**_: Any) -> None:
        identifier()

    @app.task(shared=False, name=TASK_INGEST, bind=True, max_retries=settings.task_max_retries)
    def ingest_article(self: Task, payload: dict[str, Any]) -> str:
        def produce() -> Document:
            request = IngestRequest.model_validate(payload)
            submission = request.submission
            fetched = fetch_url(str(submission.url), settings) if submission.kind == "url" else None
            document = build_document(request.article_id, submission, settings, fetched)
            fan_out(self, request, document)
            return document

        return run_stage(self, "ingest", ids_of(payload), produce)

    return app


__getattr__ = module_app(create_app)  # ``app``, for ``celery --app``
