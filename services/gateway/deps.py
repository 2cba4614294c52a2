"""What route handlers need, built once per process in the app's lifespan."""

from dataclasses import dataclass

from celery import Celery
from fastapi import Request
from redis import Redis
from redis.asyncio import Redis as AsyncRedis

from services.gateway.store import ArticleStore
from shared.settings import Settings


@dataclass(frozen=True)
class Services:
    settings: Settings
    redis: Redis
    aredis: AsyncRedis
    store: ArticleStore
    celery: Celery


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services
