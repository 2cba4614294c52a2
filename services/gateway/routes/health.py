"""Liveness and readiness: ``/healthz`` says the process runs, ``/readyz`` that work can flow."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from services.gateway import openapi
from services.gateway.broker import REPORTED_QUEUES, consumers_by_queue, queue_depths
from services.gateway.deps import Services, get_services
from shared.names import QUEUE_CALLBACKS, QUEUE_RESULTS, QUEUE_SOURCES, STAGE_QUEUES

router = APIRouter(tags=["health"])
REQUIRED_QUEUES = (*STAGE_QUEUES.values(), QUEUE_RESULTS, QUEUE_CALLBACKS, QUEUE_SOURCES)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", responses=openapi.READY)
async def readyz(services: Annotated[Services, Depends(get_services)]) -> JSONResponse:
    """Ready when Redis answers and every queue has at least one consumer."""
    try:
        await services.aredis.ping()
    except Exception as exc:
        return JSONResponse({"status": "unavailable", "redis": f"down: {exc}"}, status_code=503)
    consumers = await run_in_threadpool(
        consumers_by_queue, services.celery, services.settings.readiness_timeout_seconds
    )
    missing = [q for q in REQUIRED_QUEUES if not consumers.get(q)]
    body: dict[str, Any] = {
        "status": "unavailable" if missing else "ready",
        "redis": "ok",
        "workers": {q: sorted(consumers.get(q, [])) for q in REQUIRED_QUEUES},
        "queue_depths": await run_in_threadpool(queue_depths, services.redis, REPORTED_QUEUES),
    }
    if missing:
        body["missing_queues"] = missing
    return JSONResponse(body, status_code=503 if missing else 200)
