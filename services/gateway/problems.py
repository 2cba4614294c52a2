"""RFC 9457 problem details: every error the gateway returns says what was wrong and where."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from kombu.exceptions import OperationalError as BrokerUnavailable
from pydantic import ValidationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import OutOfMemoryError as RedisFull
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import OperationalError as DatabaseUnavailable
from sqlalchemy.exc import ProgrammingError as DatabaseNotMigrated
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.gateway.corpus.cursors import CursorError
from services.gateway.corpus.fulltext import QueryError

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"
# Redis full (maxmemory, noeviction): space comes back as results expire and queues drain.
FULL_RETRY_AFTER_SECONDS = 60
# The archive database restarting, or not yet migrated by the collector that starts beside us.
ARCHIVE_RETRY_AFTER_SECONDS = 10


class Problem(Exception):
    def __init__(
        self,
        status: int,
        title: str,
        detail: str = "",
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail = status, title, detail
        self.errors = errors or []
        self.headers = headers or {}


def problem_body(
    status: int, title: str, detail: str = "", errors: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    return body


def problem_response(problem: Problem) -> JSONResponse:
    return JSONResponse(
        problem_body(problem.status, problem.title, problem.detail, problem.errors),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


def field_errors(errors: Any, drop_prefix: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Pydantic errors as ``{"field": "body.text", "reason": "..."}``."""
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if str(p) not in drop_prefix]
        out.append({"field": ".".join(loc) or "body", "reason": str(err.get("msg", "invalid"))})
    return out


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = field_errors(exc.errors())
        detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
        return problem_response(Problem(422, "Invalid request", detail, errors))

    @app.exception_handler(ValidationError)
    async def _invalid_model(_: Request, exc: ValidationError) -> JSONResponse:
        errors = field_errors(exc.errors())
        detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors)
        return problem_response(Problem(422, "Invalid request", detail, errors))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem_response(Problem(exc.status_code, str(exc.detail)))

    @app.exception_handler(RedisConnectionError)
    @app.exception_handler(RedisTimeoutError)
    @app.exception_handler(BrokerUnavailable)
    async def _broker_down(_: Request, exc: Exception) -> JSONResponse:
        return problem_response(
            Problem(503, "Broker unavailable", f"Redis: {exc}", headers={"Retry-After": "5"})
        )

    @app.exception_handler(RedisFull)
    async def _full(_: Request, exc: RedisFull) -> JSONResponse:
        detail = "Redis reached its memory limit and refuses new work until space frees up"
        retry = {"Retry-After": str(FULL_RETRY_AFTER_SECONDS)}
        return problem_response(Problem(503, "Storage full", detail, headers=retry))

    @app.exception_handler(QueryError)
    async def _bad_query(_: Request, exc: QueryError) -> JSONResponse:
        errors = [{"field": "query.q", "reason": str(exc)}]
        return problem_response(Problem(422, "Invalid search", str(exc), errors))

    @app.exception_handler(CursorError)
    async def _bad_cursor(_: Request, exc: CursorError) -> JSONResponse:
        errors = [{"field": "query.cursor", "reason": str(exc)}]
        return problem_response(Problem(422, "Invalid cursor", str(exc), errors))

    @app.exception_handler(DatabaseUnavailable)
    @app.exception_handler(DatabaseNotMigrated)
    async def _archive_down(_: Request, exc: Exception) -> JSONResponse:
        # The driver's message may name hosts and users: it goes to the log, not to the client.
        log.warning("archive unavailable: %s", exc)
        detail = "the archive database is not reachable or not yet migrated; try again shortly"
        retry = {"Retry-After": str(ARCHIVE_RETRY_AFTER_SECONDS)}
        return problem_response(Problem(503, "Archive unavailable", detail, headers=retry))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        # A bug: logged with its traceback by the server; the client gets a problem, no details.
        log.error("unhandled error", exc_info=exc)
        return problem_response(Problem(500, "Internal error", "the error was logged"))
