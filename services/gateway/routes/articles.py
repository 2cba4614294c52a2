"""``/articles``: submit one or many articles, read and delete results."""

import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from services.gateway import openapi
from services.gateway.corpus import archive
from services.gateway.deps import Owner, Services, get_services
from services.gateway.limits import Admission, admit, check_content_type
from services.gateway.problems import Problem, field_errors, problem_body
from services.gateway.submit import Accepted, accept, send_accepted, submit
from services.gateway.tenancy import rate_client, visible
from shared.models import ArticleResult, ArticleSubmission, IngestRequest, SubmitResponse

log = logging.getLogger(__name__)
router = APIRouter(prefix="/articles", tags=["articles"])
BATCH_TYPES = ("application/json", "application/x-ndjson")
ServicesDep = Annotated[Services, Depends(get_services)]
Force = Annotated[bool, Query(description="run again even if this content is known")]


def _response(accepted: Accepted) -> SubmitResponse:
    base = f"/articles/{accepted.id}"
    return SubmitResponse(
        id=accepted.id,
        status=accepted.status,
        duplicate=accepted.duplicate,
        links={"self": base, "events": f"{base}/events"},
    )


def _client(request: Request, owner: str | None) -> str:
    return rate_client(owner, request.client.host if request.client else "unknown")


async def require_json(request: Request) -> None:
    """Runs before the body is validated, so a wrong media type is a 415, not a 422 (no I/O:
    ``async``, so it costs no worker thread)."""
    check_content_type(request.headers.get("content-type"), ("application/json",))


@router.post(
    "",
    status_code=202,
    dependencies=[Depends(require_json)],
    response_model=SubmitResponse,
    responses=openapi.SUBMIT,
)
def submit_article(
    submission: ArticleSubmission,
    request: Request,
    response: Response,
    services: ServicesDep,
    owner: Owner,
    force: Force = False,
) -> SubmitResponse:
    admission = Admission(services.settings, _client(request, owner))
    accepted = submit(services, submission, force, owner, admission)
    if accepted.duplicate:
        response.status_code = 200
    return _response(accepted)


def _batch_items(body: bytes, content_type: str) -> list[Any]:
    try:
        if "ndjson" in content_type:
            return [json.loads(line) for line in body.decode().splitlines() if line.strip()]
        items = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, "Malformed body", f"not valid JSON or NDJSON: {exc}") from exc
    if not isinstance(items, list):
        raise Problem(
            422,
            "Invalid request",
            "a batch is a JSON array of articles",
            [{"field": "body", "reason": "expected an array"}],
        )
    return items


def _accept_item(
    services: Services, index: int, item: Any, force: bool, owner: str | None
) -> tuple[dict[str, Any], IngestRequest | None]:
    """One item of a batch, alone: its answer (accepted, or its problem) and the request to send
    if it is to run."""
    try:
        submission = ArticleSubmission.model_validate(item)
        accepted, request = accept(services, submission, force, owner)
    except ValidationError as exc:
        errors = [{**e, "field": f"{index}.{e['field']}"} for e in field_errors(exc.errors())]
        return {"error": problem_body(422, "Invalid article", errors=errors)}, None
    except Problem as problem:
        errors = [
            {**e, "field": f"{index}.{e['field'].removeprefix('body.')}"} for e in problem.errors
        ]
        body = problem_body(problem.status, problem.title, problem.detail, errors)
        return {"error": body}, None
    return _response(accepted).model_dump(), request


@router.post("/batch", status_code=202, responses=openapi.BATCH, openapi_extra=openapi.BATCH_BODY)
async def submit_batch(
    request: Request,
    services: ServicesDep,
    owner: Owner,
    force: Force = False,
) -> JSONResponse:
    """A JSON array or NDJSON (``application/x-ndjson``); each item succeeds or fails alone.

    The API key (``owner``, a dependency) is checked before the body is read or parsed.
    """

    check_content_type(request.headers.get("content-type"), BATCH_TYPES)
    items = _batch_items(await request.body(), request.headers.get("content-type", ""))
    limit = services.settings.max_batch_articles
    if not items or len(items) > limit:
        raise Problem(
            422,
            "Invalid batch",
            f"a batch holds 1 to {limit} articles, got {len(items)}",
            [{"field": "body", "reason": f"1 to {limit} items"}],
        )
    admit(services.redis, Admission(services.settings, _client(request, owner), len(items)))

    def run() -> list[dict[str, Any]]:
        results: list[dict[str, Any]] = []
        to_send: list[IngestRequest] = []
        try:
            for index, item in enumerate(items):
                answer, to_run = _accept_item(services, index, item, force, owner)
                if to_run is not None:
                    to_send.append(to_run)
                results.append({"index": index, **answer})
        finally:  # what was recorded is sent, even if a later item broke the loop
            send_accepted(services, to_send)  # several articles to a message (shared/batching.py)
        return results

    results = await run_in_threadpool(run)
    accepted = sum("id" in r for r in results)
    status = 202 if accepted else 422
    return JSONResponse(
        {"accepted": accepted, "rejected": len(results) - accepted, "items": results},
        status_code=status,
    )


@router.get(
    "/{article_id}",
    response_model=ArticleResult,
    response_model_exclude_none=False,
    response_model_exclude={"owner"},
    responses=openapi.ARTICLE,
)
def get_article(article_id: str, services: ServicesDep, owner: Owner) -> ArticleResult:
    """From Redis while the run is hot, else from the archive (the record once Redis's copy
    expired); a finished article names its story. Another tenant's article is a 404, exactly
    like an unknown id."""
    # Another tenant's hot record is treated as no record: the archive is asked either way, so
    # the answer (404, or 503 with the archive down) never tells the two apart.
    hot = visible(services.store.get(article_id), owner)
    result = hot or visible(archive.get(services.archive, article_id), owner)
    if result is None:
        raise Problem(404, "Not found", f"no article with id {article_id!r}")
    if result.status == "done":
        try:
            result.story = archive.story_of(services.archive, article_id)
        except SQLAlchemyError:  # the archive is down: the hot record is still worth serving
            log.warning("archive unavailable; %s served without its story", article_id)
    return result


@router.delete("/{article_id}", status_code=204, responses=openapi.DELETE)
def delete_article(article_id: str, services: ServicesDep, owner: Owner) -> Response:
    """Removes the article from the archive, then from Redis: with the archive down it is a 503
    and nothing is removed, so a retry finishes the job."""
    hot = visible(services.store.get(article_id), owner)
    if (hot or visible(archive.get(services.archive, article_id), owner)) is None:
        raise Problem(404, "Not found", f"no article with id {article_id!r}")
    archive.remove(services.archive, article_id)
    services.store.delete(article_id)
    return Response(status_code=204)
