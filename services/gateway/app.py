"""The gateway's ASGI app: ``uvicorn --factory services.gateway.app:create_app``."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool

from services.gateway import broker, openapi, problems
from services.gateway.corpus.database import connect, upgrade
from services.gateway.deps import Services
from services.gateway.limits import BodySizeLimit
from services.gateway.observe import Observe
from services.gateway.routes import (
    articles,
    corpus,
    docs,
    events,
    export,
    health,
    metrics,
    page,
    sources,
    watchlists,
)
from services.gateway.store import ArticleStore
from shared.logs import configure_logging
from shared.redact import install_log_redaction
from shared.settings import Settings, get_settings

log = logging.getLogger(__name__)


def migrate_if_reachable(archive: Engine) -> None:
    """Bring the archive's schema up to date, as the collector does; a database that is not up
    yet is left to the collector (corpus endpoints answer 503 meanwhile), never a failed start."""
    try:
        upgrade(archive)
    except OperationalError as exc:
        log.warning("archive not reachable at start-up (%s); the collector will migrate it", exc)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    install_log_redaction()  # no credentials from submitted URLs in the gateway's log lines
    configure_logging("gateway", settings.log_format)  # uvicorn's lines too (shared/logs.py)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redis = Redis.from_url(settings.redis_url, socket_timeout=5, health_check_interval=30)
        aredis = AsyncRedis.from_url(settings.redis_url, health_check_interval=30)
        archive = connect(settings.database_url)
        celery = broker.create_app(settings)
        await run_in_threadpool(migrate_if_reachable, archive)
        app.state.services = Services(
            settings=settings,
            redis=redis,
            aredis=aredis,
            store=ArticleStore(redis, settings.article_ttl_seconds),
            celery=celery,
            archive=archive,
        )
        # What start-up built (modules, models, pools) lives as long as the process: out of the
        # collector's sight, so a full collection scans only what requests make. In bench-corpus,
        # full collections over long-lived objects were a 15 ms query's p95 tail (docs/corpus.md).
        gc.freeze()
        yield
        await aredis.aclose()
        redis.close()
        archive.dispose()
        celery.close()

    app = FastAPI(
        title="Newsflow",
        version="0.1.0",
        summary="Submit news articles; get entities, dates, quotes, places and a summary back.",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's pages load from a CDN: ours (routes/docs.py) work offline
        redoc_url=None,
    )
    problems.install(app)
    openapi.install(app)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_article_bytes,
        batch_max_bytes=settings.max_batch_bytes,
    )
    app.add_middleware(Observe)  # outermost: request id, access line and metrics for every answer
    app.include_router(corpus.router)  # GET /articles (search) before /articles/{id}
    app.include_router(articles.router)
    app.include_router(export.router)
    app.include_router(sources.router)
    app.include_router(watchlists.router)
    app.include_router(events.router)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(docs.router)
    app.mount(docs.STATIC_URL, docs.static_files(), name="docs-static")
    page.install(app)  # GET / (the results page) and /static/ (its files)
    return app
