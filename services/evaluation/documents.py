"""Annotated texts turned into Documents exactly as the ingest worker builds them."""

from datetime import date

from services.evaluation.align import OffsetMap, align
from services.ingest.core import build_document
from shared.models import ArticleSubmission, Document
from shared.settings import Settings


def ingest_text(
    record_id: str, text: str, published: date | None, settings: Settings
) -> tuple[Document, OffsetMap]:
    """The Document a plain-text submission of ``text`` becomes, anchored on ``published``, and
    the map from its offsets back to ``text``'s (where the annotations are)."""
    submission = ArticleSubmission(text=text, published_at=published)
    document = build_document(f"eval-{record_id}", submission, settings)
    return document, align(text, document.text)
