"""Watchlists (saved queries over new articles) and the alerts they raise.

Each newly archived article is matched once against its owner's active watchlists
(monitor/alerts.py); an alert is listed here and, if the watchlist has a ``webhook_url``, POSTed
there signed like a callback (docs/monitoring.md).
"""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from starlette.concurrency import run_in_threadpool

from services.gateway import openapi
from services.gateway.deps import Owner, Services, get_services, limit_queries
from services.gateway.monitor import alerts, watchlists
from services.gateway.outbound import refuse_private_url
from services.gateway.problems import Problem
from shared.models.corpus import MAX_PAGE, DateOrTime
from shared.models.watchlists import AlertPage, Watchlist, WatchlistCreate, WatchlistPatch

ServicesDep = Annotated[Services, Depends(get_services)]


router = APIRouter(tags=["watchlists"], dependencies=[Depends(limit_queries)])


def _not_found(watchlist_id: str) -> Problem:
    return Problem(404, "Not found", f"no watchlist with id {watchlist_id!r}")


def _check_webhook(url: str | None, services: Services) -> None:
    """Alerts are signed with CALLBACK_SECRET and go to public addresses only, like callbacks."""
    if url is None:
        return
    if not services.settings.callback_secret:
        reason = "this server has no CALLBACK_SECRET to sign webhooks with"
        raise Problem(
            422,
            "Webhooks are not enabled",
            reason,
            [{"field": "body.webhook_url", "reason": reason}],
        )
    refuse_private_url(url, services.settings, "body.webhook_url", "Invalid webhook")


@router.post(
    "/watchlists", status_code=201, response_model=Watchlist, responses=openapi.MONITOR_BODY
)
async def add_watchlist(spec: WatchlistCreate, services: ServicesDep, owner: Owner) -> Watchlist:
    """Save a query; from now on every newly archived article that matches it raises an alert."""
    url = str(spec.webhook_url) if spec.webhook_url else None
    await run_in_threadpool(_check_webhook, url, services)
    return await run_in_threadpool(_create, spec, services, owner or "")


def _create(spec: WatchlistCreate, services: Services, owner: str) -> Watchlist:
    limit = services.settings.max_watchlists_per_owner
    with services.archive.begin() as conn:
        if watchlists.count(conn, owner) >= limit:
            reason = f"this key already has {limit} watchlists (MAX_WATCHLISTS_PER_OWNER)"
            raise Problem(422, "Too many watchlists", reason, [{"field": "body", "reason": reason}])
        return watchlists.create(conn, owner, spec, datetime.now(UTC))


@router.get("/watchlists", response_model=list[Watchlist], responses=openapi.MONITOR)
def list_watchlists(services: ServicesDep, owner: Owner) -> list[Watchlist]:
    with services.archive.connect() as conn:
        return watchlists.list_watchlists(conn, owner or "")


@router.get("/watchlists/{watchlist_id}", response_model=Watchlist, responses=openapi.MONITOR_ITEM)
def get_watchlist(watchlist_id: str, services: ServicesDep, owner: Owner) -> Watchlist:
    with services.archive.connect() as conn:
        found = watchlists.get(conn, owner or "", watchlist_id)
    if found is None:
        raise _not_found(watchlist_id)
    return found


@router.patch(
    "/watchlists/{watchlist_id}", response_model=Watchlist, responses=openapi.MONITOR_ITEM_BODY
)
async def change_watchlist(
    watchlist_id: str, change: WatchlistPatch, services: ServicesDep, owner: Owner
) -> Watchlist:
    if change.webhook_url is not None:
        await run_in_threadpool(_check_webhook, str(change.webhook_url), services)

    def _patch() -> Watchlist | None:
        with services.archive.begin() as conn:
            return watchlists.patch(conn, owner or "", watchlist_id, change, datetime.now(UTC))

    found = await run_in_threadpool(_patch)
    if found is None:
        raise _not_found(watchlist_id)
    return found


@router.delete("/watchlists/{watchlist_id}", status_code=204, responses=openapi.MONITOR_ITEM)
def delete_watchlist(watchlist_id: str, services: ServicesDep, owner: Owner) -> Response:
    """The watchlist and its alerts."""
    with services.archive.begin() as conn:
        if not watchlists.remove(conn, owner or "", watchlist_id):
            raise _not_found(watchlist_id)
    return Response(status_code=204)


@router.get("/alerts", response_model=AlertPage, responses=openapi.MONITOR)
def list_alerts(
    services: ServicesDep,
    owner: Owner,
    watchlist: Annotated[str | None, Query(max_length=40, description="one watchlist's")] = None,
    since: Annotated[DateOrTime | None, Query(description="fired from this time")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> AlertPage:
    """Alerts, newest first: the article, what matched where, and its summary."""
    start = (
        since
        if isinstance(since, datetime) or since is None
        else datetime(since.year, since.month, since.day, tzinfo=UTC)
    )
    with services.archive.connect() as conn:
        return alerts.list_alerts(conn, owner or "", watchlist, start, limit, cursor)
