"""Accepting articles: idempotent record creation, then the ingest task sent by name (the
articles of one batch submission several to a message: shared/batching.py)."""

from dataclasses import dataclass
from datetime import UTC, datetime

from services.gateway.deps import Services
from services.gateway.ids import article_id, new_run_id
from services.gateway.limits import Admission
from services.gateway.problems import Problem
from shared.batching import groups, send_group
from shared.models import ArticleEvent, ArticleResult, ArticleSubmission, IngestRequest
from shared.redact import redact_url


@dataclass(frozen=True)
class Accepted:
    id: str
    status: str
    duplicate: bool


def submit(
    services: Services,
    submission: ArticleSubmission,
    force: bool = False,
    owner: str | None = None,
    admission: Admission | None = None,
) -> Accepted:
    """Queue ``submission`` unless the same content is already known (then return its record)."""
    accepted, request = accept(services, submission, force, owner, admission)
    if request is not None:
        send_accepted(services, [request])
    return accepted


def accept(
    services: Services,
    submission: ArticleSubmission,
    force: bool = False,
    owner: str | None = None,
    admission: Admission | None = None,
) -> tuple[Accepted, IngestRequest | None]:
    """Record ``submission`` unless the same content is already known (then return its record);
    the request to send (``send_accepted``) if it is to run.

    A failed article is run again on resubmission, and so is one submitted with other options
    (a different summary length); otherwise only ``force`` runs known content again. ``owner``
    (the submitting key's fingerprint) scopes the id: known content means known to this owner.
    ``admission``'s limits are checked in the same round trip as the lookup (and raise first).
    """
    if submission.callback_url is not None and not services.settings.callback_secret:
        raise Problem(
            422,
            "Callbacks are not enabled",
            "this server has no CALLBACK_SECRET to sign callbacks with",
            [{"field": "body.callback_url", "reason": "callbacks are not enabled on this server"}],
        )
    aid = article_id(submission, owner)
    existing = _existing(services, aid, admission)
    rerun = force or (
        existing is not None
        and (existing.status == "failed" or existing.options != submission.options)
    )
    if existing is not None and not rerun:
        return Accepted(aid, existing.status, duplicate=True), None

    now = datetime.now(UTC)
    record = ArticleResult(
        id=aid,
        run_id=new_run_id(),
        content_type=submission.kind,
        url=redact_url(str(submission.url)) if submission.url else None,  # the request keeps it
        callback_url=str(submission.callback_url) if submission.callback_url else None,
        owner=owner,
        options=submission.options,
        submitted_at=now,
        updated_at=now,
    )
    event = ArticleEvent(
        article_id=aid, run_id=record.run_id, type="queued", status="queued", at=now
    )
    request = IngestRequest(article_id=aid, run_id=record.run_id, submission=submission)
    if not services.store.create(record, event, replace=existing is not None, request=request):
        # Lost a race with an identical submission: that one runs.
        current = services.store.get(aid)
        return Accepted(aid, current.status if current else "queued", duplicate=True), None
    return Accepted(aid, "queued", duplicate=False), request


def _existing(services: Services, aid: str, admission: Admission | None) -> ArticleResult | None:
    if admission is None:
        return services.store.get(aid)
    with services.redis.pipeline(transaction=False) as pipe:
        admission.queue(pipe)
        services.store.read(pipe, aid)
        (raw,) = admission.judge(pipe.execute())
    return services.store.parse(raw)


def send_accepted(services: Services, requests: list[IngestRequest]) -> None:
    """Send accepted articles to ingest, several to a message where they fit."""
    batches = groups(requests, services.settings)
    for index, batch in enumerate(batches):
        try:
            send_group(services.celery, ["ingest"], batch)
        except Exception:
            # Never leave a record that no task will finish; if even this fails (Redis is down),
            # the sweeper re-sends the kept request once the run is past its deadline.
            for unsent in batches[index:]:
                for request in unsent:
                    services.store.delete(request.article_id)
            raise
