"""``/articles/{id}/events``: Server-Sent Events as an article's stages finish.

Events are read from the article's Redis stream, so a client that connects late (or reconnects
with ``Last-Event-ID``) replays what it missed before following live.
"""

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header
from fastapi.responses import StreamingResponse

from services.gateway import openapi
from services.gateway.deps import Owner, Services, get_services
from services.gateway.problems import Problem
from services.gateway.store import article_key, events_key
from services.gateway.tenancy import visible
from shared.models import ArticleResult

router = APIRouter(tags=["articles"])
HEARTBEAT_MS = 15_000
FINAL = {"done", "failed"}


def sse(event_id: str, kind: str, data: str) -> str:
    return f"id: {event_id}\nevent: {kind}\ndata: {data}\n\n"


async def follow(services: Services, article_id: str, last_id: str) -> AsyncIterator[str]:
    stream = events_key(article_id)
    while True:
        batches: Any = await services.aredis.xread({stream: last_id}, block=HEARTBEAT_MS, count=100)
        if not batches:
            if not await services.aredis.exists(article_key(article_id)):
                return
            yield ": keep-alive\n\n"
            continue
        for _, entries in batches:
            for entry_id, fields in entries:
                last_id = entry_id.decode()
                data = fields[b"event"].decode()
                kind = json.loads(data)["type"]
                yield sse(last_id, kind, data)
                if kind in FINAL:
                    return


@router.get(
    "/articles/{article_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}, **openapi.EVENTS},
)
async def article_events(
    article_id: str,
    services: Annotated[Services, Depends(get_services)],
    owner: Owner,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> StreamingResponse:
    """Another tenant's article is a 404, exactly like an unknown id."""
    raw = await services.aredis.get(article_key(article_id))
    if visible(ArticleResult.model_validate_json(raw) if raw else None, owner) is None:
        raise Problem(404, "Not found", f"no article with id {article_id!r}")
    return StreamingResponse(
        follow(services, article_id, last_event_id or "0"),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
