"""What the OpenAPI document promises: per operation, every answer the gateway really gives.

Errors are RFC 9457 problem details (``application/problem+json``, ``shared.models.problem``),
never FastAPI's ``HTTPValidationError``; 429 and 503 name the ``Retry-After`` header they carry.
Routes reference the ``responses=`` dicts below; ``install`` finishes the document (the problem
schema, query examples that the server accepts). ``tests/unit/test_gateway_schema.py`` holds
the server's real answers to this document.
"""

import copy
from collections.abc import Callable
from typing import Any, Literal

from fastapi import FastAPI
from pydantic import BaseModel, Field

from services.gateway.problems import PROBLEM_JSON
from shared.models.problem import ProblemDetails
from shared.models.submission import BatchResult

COMPONENTS = "#/components/schemas/"
PROBLEM_SCHEMA = {"$ref": f"{COMPONENTS}{ProblemDetails.__name__}"}
RETRY_AFTER = {
    "Retry-After": {
        "description": "seconds to wait before trying again",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}

# Why each status happens; which operations can answer it is said by the dicts further down.
_WHY: dict[int, str] = {
    400: "the body cannot be parsed at all (not UTF-8, not JSON or NDJSON)",
    401: "X-API-Key is missing or unknown (only when the gateway has API_KEYS)",
    404: "no such resource; another tenant's looks exactly like none",
    409: "it exists already (this key follows that feed): the detail names it",
    413: "the body is over MAX_ARTICLE_BYTES (MAX_BATCH_BYTES for a batch)",
    415: "the Content-Type is not one this operation reads",
    422: "a parameter or the body is invalid; errors names each field and why",
    429: "over the client's per-minute budget, or (submissions) a pipeline queue is full",
    500: "a bug: logged by the server, the client gets no details",
    503: "Redis, the broker or the archive is unreachable or full; try again after Retry-After",
}
_RETRIED = (429, 503)
# What the server writes for each (titles and details as problems.py, limits.py, routes write them).
_EXAMPLES: dict[int, tuple[str, str]] = {
    400: ("Malformed body", "not valid JSON or NDJSON: Expecting value: line 1 column 1 (char 0)"),
    401: ("Unauthorized", "a valid X-API-Key header is required"),
    404: ("Not found", "no article with id 'a1b2c3'"),
    409: ("Already followed", "this feed is source src_1a2b3c (/sources/src_1a2b3c)"),
    413: ("Request too large", "bodies are limited to 2000000 bytes"),
    415: ("Unsupported media type", "send application/json, not text/plain"),
    422: ("Invalid request", "body: give exactly one of 'text', 'html' or 'url'"),
    429: ("Too many requests", "at most 600 articles a minute per client"),
    500: ("Internal error", "the error was logged"),
    503: ("Archive unavailable", "the archive database is not reachable or not yet migrated"),
}


def problem(status: int, why: str | None = None) -> dict[str, Any]:
    """One documented problem response: the shared schema, and Retry-After where it is sent."""
    title, detail = _EXAMPLES[status]
    example: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    example["detail"] = detail
    if status == 422:  # the one whose errors a client acts on, field by field
        example["errors"] = [{"field": "body", "reason": detail.removeprefix("body: ")}]
    response: dict[str, Any] = {
        "description": why or _WHY[status],
        "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA, "example": example}},
    }
    if status in _RETRIED:
        response["headers"] = copy.deepcopy(RETRY_AFTER)
    return response


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: problem(status) for status in statuses}


class Readiness(BaseModel):
    """``/readyz``: with Redis down only ``status`` and ``redis`` are given."""

    status: Literal["ready", "unavailable"]
    redis: str = Field(description='"ok", or "down: " and why')
    workers: dict[str, list[str]] | None = Field(None, description="consumers per queue")
    queue_depths: dict[str, int] | None = None
    missing_queues: list[str] | None = Field(None, description="queues without a consumer")


# Reads of the archive (search, entities, stories, export): rate-limited, 503 with it down.
_CORPUS = (401, 422, 429, 500, 503)

SUBMIT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "already known: the existing article, not run again",
        "content": {"application/json": {"schema": {"$ref": f"{COMPONENTS}SubmitResponse"}}},
    },
    **problems(400, 401, 413, 415, 422, 429, 500, 503),
}
BATCH: dict[int | str, dict[str, Any]] = {
    202: {"model": BatchResult, "description": "at least one item accepted"},
    **problems(400, 401, 413, 415, 429, 500, 503),
    422: {
        "model": BatchResult,
        "description": "no item accepted (each says why), or the batch itself is invalid "
        "(a problem: not an array, empty, or over MAX_BATCH_ARTICLES)",
        "content": {PROBLEM_JSON: problem(422)["content"][PROBLEM_JSON]},
    },
}
BATCH_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"$ref": f"{COMPONENTS}ArticleSubmission"},
                }
            },
            "application/x-ndjson": {
                "schema": {"type": "string", "description": "one ArticleSubmission per line"}
            },
        },
    }
}
ARTICLE = problems(401, 404, 500, 503)
EVENTS = ARTICLE
DELETE = ARTICLE
CORPUS = problems(*_CORPUS)
CORPUS_ITEM = problems(*_CORPUS, 404)
EXPORT = CORPUS
# Sources, watchlists and alerts (routes/sources.py, routes/watchlists.py): stored in the archive.
MONITOR = CORPUS
MONITOR_ITEM = CORPUS_ITEM
# Those that read a JSON body: 400 when it is not JSON, 413 past MAX_ARTICLE_BYTES.
MONITOR_BODY = problems(*_CORPUS, 400, 413)
MONITOR_ITEM_BODY = problems(*_CORPUS, 400, 404, 413)
MONITOR_CREATE = problems(*_CORPUS, 400, 409, 413)
READY: dict[int | str, dict[str, Any]] = {
    200: {"model": Readiness, "description": "Redis answers and every queue has a consumer"},
    503: {"model": Readiness, "description": "Redis is down or some queue has no consumer"},
}

# Query parameter examples, shown (and sent by "Try it out") in /docs; each is accepted by the
# server, which tests/unit/test_api_docs.py checks.
QUERY_EXAMPLES: dict[str, Any] = {
    "q": 'flood OR "heavy rain"',
    "entity": "PERSON:carlos-moedas",
    "type": "PERSON",
    "place": "Lisbon",
    "since": "2024-05-01",
    "until": "2024-05-31",
    "language": "en",
    "story": 1,
    "limit": 20,
    "top": 10,
    "min_size": 2,
    "format": "jsonl",
    "force": False,
}


def with_problems(document: dict[str, Any]) -> dict[str, Any]:
    """The document with the problem schema in its components, FastAPI's default 422 (for a
    route that declares none) replaced by the problem one, and the query examples set."""
    document = copy.deepcopy(document)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = ProblemDetails.model_json_schema(ref_template=COMPONENTS + "{model}")
    schemas.update(problem_schema.pop("$defs", {}))
    schemas[ProblemDetails.__name__] = problem_schema
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            _finish(operation)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def _finish(operation: dict[str, Any]) -> None:
    responses = operation.get("responses", {})
    default_422 = responses.get("422", {}).get("content", {}).get("application/json", {})
    if default_422.get("schema") == {"$ref": f"{COMPONENTS}HTTPValidationError"}:
        responses["422"] = problem(422)
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "query" and parameter["name"] in QUERY_EXAMPLES:
            parameter.setdefault("example", QUERY_EXAMPLES[parameter["name"]])


def install(app: FastAPI) -> None:
    """Serve the finished document at ``/openapi.json`` (built once, on first request)."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = with_problems(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
