"""Followed sources: add a feed or news sitemap, change or remove it, see its health and items.

A source is polled by the monitor's scheduler (services/gateway/monitor); ``POST .../poll`` asks
for a poll now. Sources are stored in the archive database and scoped to the caller's API key.
"""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from starlette.concurrency import run_in_threadpool

from services.gateway import openapi
from services.gateway.deps import Owner, Services, get_services, limit_queries
from services.gateway.monitor import items, sources
from services.gateway.outbound import refuse_private_url
from services.gateway.problems import Problem
from shared.models.sources import FeedItemRecord, Source, SourceCreate, SourcePatch
from shared.names import TASK_SOURCE_POLL

ServicesDep = Annotated[Services, Depends(get_services)]
MAX_ITEMS_PAGE = 200


router = APIRouter(tags=["sources"], dependencies=[Depends(limit_queries)])


def _not_found(source_id: str) -> Problem:
    return Problem(404, "Not found", f"no source with id {source_id!r}")


@router.post("/sources", status_code=201, response_model=Source, responses=openapi.MONITOR_CREATE)
async def add_source(spec: SourceCreate, services: ServicesDep, owner: Owner) -> Source:
    """Follow an RSS 2.0, Atom or JSON Feed URL, or a news sitemap; its first poll is due now."""
    await run_in_threadpool(
        refuse_private_url, str(spec.url), services.settings, "body.url", "Invalid source"
    )
    return await run_in_threadpool(_create, spec, services, owner or "")


def _create(spec: SourceCreate, services: Services, owner: str) -> Source:
    limit = services.settings.max_sources_per_owner
    with services.archive.begin() as conn:
        if sources.count(conn, owner) >= limit:
            raise Problem(
                422,
                "Too many sources",
                f"at most {limit} sources per key (MAX_SOURCES_PER_OWNER)",
                [{"field": "body.url", "reason": f"this key already follows {limit} sources"}],
            )
        try:
            return sources.create(conn, owner, spec, datetime.now(UTC))
        except sources.SourceExists as exc:
            raise Problem(
                409,
                "Already followed",
                f"this feed is source {exc.source_id} (/sources/{exc.source_id})",
                [{"field": "body.url", "reason": f"already followed as {exc.source_id}"}],
            ) from exc


@router.get("/sources", response_model=list[Source], responses=openapi.MONITOR)
def list_sources(
    services: ServicesDep,
    owner: Owner,
    tag: Annotated[str | None, Query(max_length=40, description="only sources with it")] = None,
) -> list[Source]:
    with services.archive.connect() as conn:
        return sources.list_sources(conn, owner or "", tag)


@router.get("/sources/{source_id}", response_model=Source, responses=openapi.MONITOR_ITEM)
def get_source(source_id: str, services: ServicesDep, owner: Owner) -> Source:
    with services.archive.connect() as conn:
        found = sources.get(conn, owner or "", source_id)
    if found is None:
        raise _not_found(source_id)
    return found


@router.patch("/sources/{source_id}", response_model=Source, responses=openapi.MONITOR_ITEM_BODY)
def change_source(
    source_id: str, change: SourcePatch, services: ServicesDep, owner: Owner
) -> Source:
    """Change its interval, language hint, tags, or pause it (``active: false``)."""
    with services.archive.begin() as conn:
        found = sources.patch(conn, owner or "", source_id, change, datetime.now(UTC))
    if found is None:
        raise _not_found(source_id)
    return found


@router.delete("/sources/{source_id}", status_code=204, responses=openapi.MONITOR_ITEM)
def delete_source(source_id: str, services: ServicesDep, owner: Owner) -> Response:
    """Stop following it; the articles it brought stay in the archive."""
    with services.archive.begin() as conn:
        if not sources.remove(conn, owner or "", source_id):
            raise _not_found(source_id)
    return Response(status_code=204)


@router.post(
    "/sources/{source_id}/poll",
    status_code=202,
    response_model=Source,
    responses=openapi.MONITOR_ITEM,
)
def poll_now(source_id: str, services: ServicesDep, owner: Owner) -> Source:
    """Poll it now rather than at its next turn (politeness delays still apply)."""
    now = datetime.now(UTC)
    with services.archive.begin() as conn:
        if not sources.make_due(conn, owner or "", source_id, now):
            raise _not_found(source_id)
        claimed = sources.claim(conn, source_id, now, services.settings.poll_lease_seconds)
        found = sources.get(conn, owner or "", source_id)
    if claimed:
        services.celery.send_task(TASK_SOURCE_POLL, args=[source_id])
    assert found is not None
    return found


@router.get(
    "/sources/{source_id}/items",
    response_model=list[FeedItemRecord],
    responses=openapi.MONITOR_ITEM,
)
def source_items(
    source_id: str,
    services: ServicesDep,
    owner: Owner,
    limit: Annotated[int, Query(ge=1, le=MAX_ITEMS_PAGE)] = 50,
) -> list[FeedItemRecord]:
    """The newest items it delivered, each with the article it became (or why not)."""
    with services.archive.connect() as conn:
        if sources.get(conn, owner or "", source_id) is None:
            raise _not_found(source_id)
        return items.newest(conn, source_id, limit)
