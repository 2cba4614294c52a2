"""A finished article made in this process: the three cores called in turn, no broker.

What the stored result of a ``done`` run holds, for the tools that need many of them without a
running system: ``newsflow eval stories``, ``make bench-corpus`` and the corpus tests archive
these through the collector's own archive code.
"""

from datetime import UTC, datetime

from services.extraction.core import Pipeline, extract
from services.ingest.core import build_document
from services.summarization.core import summarize
from shared.models import ArticleResult, ArticleSubmission, StageStatus
from shared.names import STAGES
from shared.settings import Settings


def finished(
    article_id: str,
    submission: ArticleSubmission,
    settings: Settings,
    pipeline: Pipeline,
    run_id: str = "in-process",
) -> ArticleResult:
    """Raises what ``build_document`` raises for an article with nothing to read."""
    document = build_document(article_id, submission, settings)
    now = datetime.now(UTC)
    return ArticleResult(
        id=article_id,
        run_id=run_id,
        status="done",
        content_type=submission.kind,
        url=str(submission.url) if submission.url else None,
        submitted_at=now,
        updated_at=now,
        finished_at=now,
        stages={stage: StageStatus(status="done") for stage in STAGES},
        document=document,
        extraction=extract(pipeline, document),
        summary=summarize(document, submission.options.summary, settings),
    )
