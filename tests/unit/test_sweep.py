from datetime import UTC, datetime, timedelta

from services.gateway.sweep import GiveUp, Redrive, SweepPolicy, apply, decide, waiting_on
from shared.models import ArticleResult, Document, StageStatus

T0 = datetime(2026, 1, 1, tzinfo=UTC)
POLICY = SweepPolicy(deadline_seconds=60, max_redrives=2)
LATE = T0 + timedelta(seconds=61)


def record(**stages: str) -> ArticleResult:
    result = ArticleResult(
        id="a_1", run_id="r1", content_type="text", submitted_at=T0, updated_at=T0
    )
    for stage, status in stages.items():
        result.stages[stage] = StageStatus(status=status)  # type: ignore[index]
    if stages.get("ingest") == "done":
        result.document = Document(article_id="a_1", text="Hi.", content_type="text")
        result.status = "processing"
    return result


def test_a_run_within_its_deadline_is_left_alone() -> None:
    assert decide(record(), T0 + timedelta(seconds=59), POLICY, request_kept=True) is None


def test_a_stalled_queued_run_is_sent_again_from_ingest() -> None:
    assert decide(record(), LATE, POLICY, request_kept=True) == Redrive(("ingest",))


def test_a_run_stalled_after_ingest_resends_only_the_missing_stages() -> None:
    result = record(ingest="done", extraction="done")
    assert waiting_on(result) == ("summarization",)
    assert decide(result, LATE, POLICY, request_kept=False) == Redrive(("summarization",))


def test_a_queued_run_without_its_request_fails_with_the_reason() -> None:
    action = decide(record(), LATE, POLICY, request_kept=False)
    assert isinstance(action, GiveUp) and action.type == "RequestLost"


def test_a_run_waiting_behind_a_backlog_is_not_redriven() -> None:
    assert decide(record(), LATE, POLICY, True, backlog=frozenset({"ingest"})) is None
    assert decide(record(), LATE, POLICY, True, backlog=frozenset({"extraction"})) is not None


def test_finished_runs_are_never_touched() -> None:
    result = record(ingest="done", extraction="done", summarization="done")
    result.status = "done"
    assert decide(result, LATE, POLICY, request_kept=True) is None


def test_redrives_are_bounded_then_the_run_fails_with_stage_and_reason() -> None:
    result = record(ingest="done")
    now = LATE
    sent: list[tuple[str, ...]] = []
    for _ in range(POLICY.max_redrives + 1):
        result, events, action = apply(result, now, POLICY, request_kept=True)
        if isinstance(action, Redrive):
            sent.append(action.stages)
            assert result.updated_at == now and [e.type for e in events] == ["redriven"] * 2
        now += timedelta(seconds=POLICY.deadline_seconds)
    assert sent == [("extraction", "summarization")] * POLICY.max_redrives
    assert result.status == "failed" and result.redrives == POLICY.max_redrives
    assert result.error is not None and result.error.type == "DeadlineExceeded"
    assert result.stages["extraction"].status == "failed"
    assert result.stages["summarization"].status == "failed"
    assert [e.type for e in events] == ["stage_failed", "stage_failed", "failed"]
    assert events[-1].error == result.error


def test_giving_up_at_ingest_skips_the_later_stages() -> None:
    result = record()
    result.redrives = POLICY.max_redrives
    failed, events, _ = apply(result, LATE, POLICY, request_kept=True)
    assert failed.stages["ingest"].status == "failed"
    assert failed.stages["extraction"].status == "skipped"
    assert [e.type for e in events] == ["stage_failed", "failed"]


def test_a_run_whose_ingest_outcome_was_lost_after_fan_out_is_redriven_from_ingest() -> None:
    result = record(extraction="done", summarization="done")
    result.status = "processing"
    assert decide(result, LATE, POLICY, request_kept=True) == Redrive(("ingest",))
