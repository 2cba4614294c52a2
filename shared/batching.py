"""Sending articles several to a message: how batches are cut, and how they are sent.

A Celery message has a fixed cost (about 2 ms of CPU on the development machine, whatever it
carries: docs/performance.md, the floor); an article costs six of them. Articles that arrive
together (a batch submission) travel together, at most ``batch_max_articles`` and
``batch_max_chars`` characters a message, so that a batch runs within the time limits of one long
article. A batch of one is sent as the single task: one article alone takes the path it always did.
"""

from collections.abc import Sequence

from celery import Celery

from shared.celery_app import brief_args
from shared.cutting import cut
from shared.models import IngestBatch, IngestRequest, StageBatch, StageRequest
from shared.names import STAGE_TASKS, Stage
from shared.settings import Settings


def ingest_chars(request: IngestRequest, settings: Settings) -> int:
    """A URL's size is unknown until it is fetched, and a fetch may be retried: it goes alone."""
    submission = request.submission
    if submission.kind == "url":
        return settings.batch_max_chars
    return len(submission.text or submission.html or "")


def stage_chars(request: StageRequest) -> int:
    return len(request.document.text)


def brief_batch(requests: Sequence[IngestRequest | StageRequest]) -> str:
    """What Flower shows of a batch's arguments: each article's ids, never its text."""
    return repr([{"article_id": r.article_id, "run_id": r.run_id} for r in requests])


def envelope(members: Sequence[IngestRequest | StageRequest]) -> IngestBatch | StageBatch:
    ingest = [m for m in members if isinstance(m, IngestRequest)]
    if ingest:
        return IngestBatch(requests=ingest)
    return StageBatch(requests=[m for m in members if isinstance(m, StageRequest)])


def groups(
    requests: Sequence[IngestRequest] | Sequence[StageRequest], settings: Settings
) -> list[list[IngestRequest | StageRequest]]:
    """``requests`` cut into the batches they travel in."""

    def chars(request: IngestRequest | StageRequest) -> int:
        if isinstance(request, IngestRequest):
            return ingest_chars(request, settings)
        return stage_chars(request)

    return cut(list(requests), chars, settings.batch_max_articles, settings.batch_max_chars)


def send_group(
    app: Celery, stages: Sequence[Stage], members: Sequence[IngestRequest | StageRequest]
) -> None:
    """One message to each of ``stages``, dumped once for all: the single task for one article,
    the batch task for more."""
    if len(members) == 1:
        message = members[0].model_dump(mode="json")
        brief = brief_args(message)
        for stage in stages:
            single, _ = STAGE_TASKS[stage]
            app.send_task(single, args=[message], argsrepr=brief)
        return
    message = envelope(members).model_dump(mode="json")
    brief = brief_batch(members)
    for stage in stages:
        _, batch = STAGE_TASKS[stage]
        app.send_task(batch, args=[message], argsrepr=brief)


def send_articles(
    app: Celery,
    stages: Sequence[Stage],
    requests: Sequence[IngestRequest] | Sequence[StageRequest],
    settings: Settings,
) -> None:
    """Send ``requests`` to each of ``stages`` in the same batches."""
    for group in groups(requests, settings):
        send_group(app, stages, group)
