"""The corpus: search the archive, the most mentioned entities, one entity, story clusters.

Read-only views of the archive (services/gateway/corpus), scoped to the caller's API key like
every article; paginated with opaque cursors, newest first. Sync handlers: FastAPI runs them in
its thread pool, so a slow query never blocks the event loop.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from services.gateway import openapi
from services.gateway.corpus import entities, search, storylist
from services.gateway.deps import Owner, Services, get_services, limit_queries
from services.gateway.problems import Problem
from shared.models.corpus import (
    MAX_PAGE,
    ArticleFilters,
    ArticlePage,
    DateOrTime,
    EntityCount,
    EntityDetail,
    Story,
    StoryPage,
)

ServicesDep = Annotated[Services, Depends(get_services)]


router = APIRouter(tags=["corpus"], dependencies=[Depends(limit_queries)])
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="items per page")]
Cursor = Annotated[str | None, Query(max_length=200, description="next_cursor of the last page")]
Since = Annotated[DateOrTime | None, Query(description="from this date or time (ISO 8601)")]
Until = Annotated[
    DateOrTime | None, Query(description="up to this date (inclusive) or before this time")
]


@router.get("/articles", response_model=ArticlePage, responses=openapi.CORPUS)
def find_articles(
    filters: Annotated[ArticleFilters, Query()],
    services: ServicesDep,
    owner: Owner,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> ArticlePage:
    """Search and filter the archive; each hit with its summary and, for ``q``, snippets."""
    with services.archive.connect() as conn:
        return search.find_articles(conn, owner or "", filters, limit, cursor)


@router.get("/entities", response_model=list[EntityCount], responses=openapi.CORPUS)
def top_entities(
    services: ServicesDep,
    owner: Owner,
    type: Annotated[str | None, Query(max_length=16, description="PERSON, ORG, GPE, ...")] = None,
    since: Since = None,
    until: Until = None,
    top: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
) -> list[EntityCount]:
    """The most mentioned entities (by articles) in the period, with a per-day series."""
    with services.archive.connect() as conn:
        return entities.top_entities(conn, owner or "", type, since, until, top)


@router.get("/entities/{key}", response_model=EntityDetail, responses=openapi.CORPUS_ITEM)
def entity(
    key: str, services: ServicesDep, owner: Owner, since: Since = None, until: Until = None
) -> EntityDetail:
    """One entity (``PERSON:xi-jinping``, or a name): its mentions over time, its articles and
    the entities most often named with it."""
    with services.archive.connect() as conn:
        found = entities.entity_detail(conn, owner or "", key, since, until)
    if found is None:
        raise Problem(404, "Not found", f"no archived article mentions {key!r} in that period")
    return found


@router.get("/stories", response_model=StoryPage, responses=openapi.CORPUS)
def stories(
    services: ServicesDep,
    owner: Owner,
    since: Since = None,
    until: Until = None,
    limit: Limit = 20,
    cursor: Cursor = None,
    min_size: Annotated[int, Query(ge=1, le=1000, description="articles in a story")] = 2,
) -> StoryPage:
    """Story clusters active in the period, the latest first: near-duplicates and the same
    event from several sources (docs/corpus.md)."""
    with services.archive.connect() as conn:
        return storylist.list_stories(conn, owner or "", since, until, limit, cursor, min_size)


@router.get("/stories/{story_id}", response_model=Story, responses=openapi.CORPUS_ITEM)
def story(story_id: int, services: ServicesDep, owner: Owner) -> Story:
    with services.archive.connect() as conn:
        found = storylist.story(conn, owner or "", story_id)
    if found is None:
        raise Problem(404, "Not found", f"no story with id {story_id}")
    return found
