"""The sweeper's functional core: what to do with a run that made no progress for too long.

A run is stalled when it is neither ``done`` nor ``failed`` and its last progress (``updated_at``)
is older than the deadline. It is re-driven: the stages it waits on are sent again from what is
stored (the kept ingest request, or the ingested document), at most ``max_redrives`` times; then
it is failed with the reason. Re-sending is safe because the merge keeps a stage's first outcome
only. While a queue the run waits on still holds messages, its message may simply be waiting in
line, so the run is left alone until that queue drains.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.gateway.merge import FED_BY, merge_outcome
from shared.models import ArticleEvent, ArticleResult, StageError, StageOutcome
from shared.names import STAGES, Stage

SWEEPER = "sweeper"  # the worker name on outcomes the sweeper writes


@dataclass(frozen=True)
class SweepPolicy:
    deadline_seconds: int
    max_redrives: int


@dataclass(frozen=True)
class Redrive:
    stages: tuple[Stage, ...]


@dataclass(frozen=True)
class GiveUp:
    stages: tuple[Stage, ...]
    type: str
    message: str


Action = Redrive | GiveUp


def waiting_on(result: ArticleResult) -> tuple[Stage, ...]:
    """Pending stages whose inputs exist: those not fed by a stage that is still pending."""
    blocked = {
        later
        for stage, fed in FED_BY.items()
        if result.stages[stage].status != "done"
        for later in fed
    }
    return tuple(s for s in STAGES if result.stages[s].status == "pending" and s not in blocked)


def decide(
    result: ArticleResult,
    now: datetime,
    policy: SweepPolicy,
    request_kept: bool,
    backlog: frozenset[Stage] = frozenset(),
) -> Action | None:
    """``backlog``: stages whose queue is not empty right now."""
    if result.status in ("done", "failed"):
        return None
    if now - result.updated_at < timedelta(seconds=policy.deadline_seconds):
        return None
    stages = waiting_on(result)
    if not stages or backlog & set(stages):
        return None
    names = ", ".join(stages)
    if result.redrives >= policy.max_redrives:
        return GiveUp(
            stages,
            "DeadlineExceeded",
            f"no outcome from {names} within {policy.deadline_seconds} s, "
            f"after {result.redrives} re-drive(s)",
        )
    if "ingest" in stages and not request_kept:
        return GiveUp(
            stages, "RequestLost", "the run stalled before ingest and its request was not kept"
        )
    if "ingest" not in stages and result.document is None:
        return GiveUp(stages, "DocumentLost", "the run stalled and its document was not kept")
    return Redrive(stages)


def redriven(
    result: ArticleResult, stages: tuple[Stage, ...], now: datetime
) -> tuple[ArticleResult, list[ArticleEvent]]:
    """Count the re-drive and restart the deadline; one event per stage sent again."""
    updated = result.model_copy(update={"redrives": result.redrives + 1, "updated_at": now})
    events = [
        ArticleEvent(
            article_id=result.id,
            run_id=result.run_id,
            type="redriven",
            stage=stage,
            status=result.status,
            at=now,
        )
        for stage in stages
    ]
    return updated, events


def given_up(
    result: ArticleResult, action: GiveUp, now: datetime
) -> tuple[ArticleResult, list[ArticleEvent]]:
    """Fail each stage the run waits on, through the same merge as a worker's failure."""
    events: list[ArticleEvent] = []
    for stage in action.stages:
        outcome = StageOutcome(
            article_id=result.id,
            run_id=result.run_id,
            stage=stage,
            status="failed",
            worker=SWEEPER,
            task_id=SWEEPER,
            attempts=result.redrives + 1,
            started_at=now,
            finished_at=now,
            error=StageError(stage=stage, type=action.type, message=action.message),
        )
        result, new = merge_outcome(result, outcome, now)
        events += new
    # The terminal event goes last: an SSE follower stops reading at it.
    return result, sorted(events, key=lambda e: e.type in ("done", "failed"))


def apply(
    result: ArticleResult,
    now: datetime,
    policy: SweepPolicy,
    request_kept: bool,
    backlog: frozenset[Stage] = frozenset(),
) -> tuple[ArticleResult, list[ArticleEvent], Action | None]:
    """Decide and change in one step, so the store can run it inside its transaction."""
    action = decide(result, now, policy, request_kept, backlog)
    if isinstance(action, Redrive):
        return (*redriven(result, action.stages, now), action)
    if isinstance(action, GiveUp):
        return (*given_up(result, action, now), action)
    return result, [], None
