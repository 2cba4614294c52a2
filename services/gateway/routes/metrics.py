"""``GET /metrics``: Prometheus text exposition of the gateway, with what waits in Redis.

Unauthenticated even with API_KEYS (as /healthz and /readyz): Prometheus scrapes on a private
network (compose: the compose network; Kubernetes: the pod network), and nothing here names an
article or a tenant. Left out of the OpenAPI document; docs/operations.md lists the metrics.
"""

from typing import Annotated, Final

from fastapi import APIRouter, Depends, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from redis import Redis
from redis.exceptions import RedisError
from starlette.concurrency import run_in_threadpool

from services.gateway.broker import REPORTED_QUEUES, queue_depths
from services.gateway.deps import Services, get_services
from services.gateway.store import ARCHIVE_KEY, CALLBACKS_KEY, INDEX_KEY, OPEN_KEY
from shared.metrics.http import Snapshot, StoreCounts, store_families

router = APIRouter(tags=["operations"])
OUTBOX_KEYS: Final = {"archive": ARCHIVE_KEY, "callbacks": CALLBACKS_KEY}


def read_counts(redis: Redis) -> StoreCounts | None:
    """Queue lengths and sorted-set sizes: O(1) commands, whatever the backlog."""
    try:
        depths = queue_depths(redis, REPORTED_QUEUES)
        with redis.pipeline(transaction=False) as pipe:
            for key in (OPEN_KEY, INDEX_KEY, *OUTBOX_KEYS.values()):
                pipe.zcard(key)
            open_count, stored, *outboxes = (int(n) for n in pipe.execute())
    except RedisError:
        return None
    return StoreCounts(depths, open_count, stored, dict(zip(OUTBOX_KEYS, outboxes, strict=True)))


def exposition(counts: StoreCounts | None) -> bytes:
    snapshot = CollectorRegistry(auto_describe=False)
    snapshot.register(Snapshot(store_families(counts)))
    return generate_latest(REGISTRY) + generate_latest(snapshot)


@router.get("/metrics", include_in_schema=False)
async def metrics(services: Annotated[Services, Depends(get_services)]) -> Response:
    counts = await run_in_threadpool(read_counts, services.redis)
    return Response(exposition(counts), media_type=CONTENT_TYPE_LATEST)
