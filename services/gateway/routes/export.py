"""``/export``: a filtered selection of the archive as JSON Lines or CSV, streamed."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from services.gateway import openapi
from services.gateway.corpus.export import export_lines
from services.gateway.deps import Owner, Services, get_services, limit_queries
from shared.models.corpus import ArticleFilters, ExportFormat

router = APIRouter(tags=["corpus"], dependencies=[Depends(limit_queries)])
MEDIA_TYPES: dict[str, str] = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()}}, **openapi.EXPORT},
)
def export(
    filters: Annotated[ArticleFilters, Query()],
    services: Annotated[Services, Depends(get_services)],
    owner: Owner,
    format: Annotated[ExportFormat, Query(description="jsonl: full results; csv: flat rows")] = (
        "jsonl"
    ),
) -> StreamingResponse:
    """Every archived article matching the filters, newest first, written as it is read: the
    body is streamed, so any number of rows is fine; a bad filter fails before the first byte."""
    lines = export_lines(services.archive, owner or "", filters, format)
    first = next(lines, None)  # runs the query now, so its errors still get a problem response
    body = lines if first is None else _prepend(first, lines)
    return StreamingResponse(
        body,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="newsflow-export.{format}"'},
    )


def _prepend(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest
