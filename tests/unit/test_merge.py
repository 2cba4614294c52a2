from datetime import UTC, datetime, timedelta

from services.gateway.merge import merge_outcome
from shared.models import (
    ArticleResult,
    Document,
    Extraction,
    StageError,
    StageOutcome,
    Summary,
)
from shared.names import Stage

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def record() -> ArticleResult:
    return ArticleResult(id="a_1", run_id="r1", content_type="text", submitted_at=T0, updated_at=T0)


def outcome(stage: Stage, run_id: str = "r1", failed: bool = False) -> StageOutcome:
    results = {
        "ingest": {"document": Document(article_id="a_1", text="Hi.", content_type="text")},
        "extraction": {"extraction": Extraction(model="m")},
        "summarization": {"summary": Summary(method="m", method_version="1", budget=1)},
    }[stage]
    return StageOutcome(
        article_id="a_1",
        run_id=run_id,
        stage=stage,
        status="failed" if failed else "done",
        worker=f"{stage}@host",
        task_id=f"t-{stage}",
        started_at=T0,
        finished_at=T0 + timedelta(milliseconds=12),
        error=StageError(stage=stage, type="ValueError", message="bad") if failed else None,
        **({} if failed else results),  # type: ignore[arg-type]
    )


def test_all_stages_done_marks_the_article_done_once() -> None:
    result = record()
    kinds: list[str] = []
    for stage in ("ingest", "extraction", "summarization"):
        result, events = merge_outcome(result, outcome(stage), T0)
        kinds += [e.type for e in events]
    assert result.status == "done" and result.finished_at == T0
    assert kinds == ["stage_done", "stage_done", "stage_done", "done"]
    assert result.stages["extraction"].duration_ms == 12
    assert result.document and result.extraction and result.summary


def test_first_stage_done_means_processing() -> None:
    result, _ = merge_outcome(record(), outcome("ingest"), T0)
    assert result.status == "processing"


def test_redelivered_outcome_changes_nothing() -> None:
    once, _ = merge_outcome(record(), outcome("ingest"), T0)
    twice, events = merge_outcome(once, outcome("ingest"), T0 + timedelta(seconds=5))
    assert events == [] and twice == once


def test_outcome_of_an_older_run_is_ignored() -> None:
    result, events = merge_outcome(record(), outcome("ingest", run_id="r0"), T0)
    assert events == [] and result.status == "queued"


def test_failed_stage_fails_the_article_with_its_reason() -> None:
    result, events = merge_outcome(record(), outcome("ingest", failed=True), T0)
    assert result.status == "failed"
    assert result.error is not None and result.error.stage == "ingest"
    assert [e.type for e in events] == ["stage_failed", "failed"]


def test_ingest_failure_skips_the_stages_it_feeds_and_events_carry_the_reason() -> None:
    result, events = merge_outcome(record(), outcome("ingest", failed=True), T0)
    assert result.stages["extraction"].status == "skipped"
    assert result.stages["summarization"].status == "skipped"
    assert all(e.error is not None and e.error.message == "bad" for e in events)


def test_extraction_failure_leaves_summarization_to_finish() -> None:
    result, _ = merge_outcome(record(), outcome("ingest"), T0)
    result, _ = merge_outcome(result, outcome("extraction", failed=True), T0)
    assert result.status == "failed" and result.stages["summarization"].status == "pending"
    result, events = merge_outcome(result, outcome("summarization"), T0)
    assert result.summary is not None and [e.type for e in events] == ["stage_done"]


def test_a_second_outcome_for_a_finished_stage_is_ignored() -> None:
    failed, _ = merge_outcome(record(), outcome("ingest", failed=True), T0)
    again, events = merge_outcome(failed, outcome("ingest"), T0 + timedelta(seconds=1))
    assert events == [] and again == failed


def test_done_events_carry_no_error() -> None:
    result = record()
    for stage in ("ingest", "extraction", "summarization"):
        result, events = merge_outcome(result, outcome(stage), T0)
        assert all(e.error is None for e in events)


def test_the_input_record_is_left_as_it_was() -> None:
    """The merge copies shallowly (docs/performance.md); the record it was given must not change,
    failures and the stages they skip included."""
    before, _ = merge_outcome(record(), outcome("ingest"), T0)
    snapshot = before.model_dump_json()
    after, _ = merge_outcome(before, outcome("extraction", failed=True), T0 + timedelta(seconds=1))
    assert before.model_dump_json() == snapshot
    assert after.stages["extraction"].status == "failed"
    assert before.stages["extraction"].status == "pending"
