"""What route handlers need: services built once per process, and who is asking."""

from dataclasses import dataclass
from typing import Annotated

from celery import Celery
from fastapi import Depends, Header, Request
from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from sqlalchemy import Engine

from services.gateway.limits import check_query_rate
from services.gateway.store import ArticleStore
from services.gateway.tenancy import authenticate, rate_client
from shared.settings import Settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    redis: Redis
    aredis: AsyncRedis
    store: ArticleStore
    celery: Celery
    archive: Engine


# Dependencies that do no I/O are ``async``: FastAPI runs a plain ``def`` dependency in a worker
# thread, and on an idle gateway each such hop costs a thread's wake-up (docs/performance.md).
async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


async def get_owner(
    services: Annotated[Services, Depends(get_services)],
    x_api_key: Annotated[str | None, Header(alias="X-API-Key")] = None,
) -> str | None:
    """The caller's key fingerprint (None when keys are off), or 401.

    A dependency, so it runs before a route reads its body: a batch is never parsed for a caller
    without a valid key, and a bad key is a 401 rather than a 422 about the body.
    """
    return authenticate(services.settings, x_api_key)


Owner = Annotated[str | None, Depends(get_owner)]


def limit_queries(
    request: Request, services: Annotated[Services, Depends(get_services)], owner: Owner
) -> None:
    """Every read of the archive (search, entities, stories, export) and every change to sources
    and watchlists counts against the caller's QUERY_RATE_LIMIT_PER_MINUTE."""
    address = request.client.host if request.client else "unknown"
    check_query_rate(services.redis, services.settings, rate_client(owner, address))
