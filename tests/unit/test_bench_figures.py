"""The benchmark's arithmetic: timings read from stored results, and the report built on them."""

from datetime import UTC, datetime, timedelta

from bench.distributed import StackRun, Timed
from bench.figures import article_times, articles_a_message, run_figures
from bench.processes import MemorySampler
from bench.report import markdown
from bench.task_floor import batched_ceiling, ceiling, messages_ms
from shared.models import ArticleResult
from shared.models.result import StageStatus

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _at(ms: float) -> datetime:
    return T0 + timedelta(milliseconds=ms)


def _stage(start: float, end: float) -> StageStatus:
    return StageStatus(
        status="done", started_at=_at(start), finished_at=_at(end), duration_ms=end - start
    )


def _result(article_id: str, finished: float = 330.0) -> ArticleResult:
    return ArticleResult(
        id=article_id,
        run_id="r",
        status="done",
        content_type="text",
        submitted_at=T0,
        updated_at=_at(finished),
        finished_at=_at(finished),
        stages={
            "ingest": _stage(10, 30),  # 10 ms in the queue, 20 ms of work
            "extraction": _stage(35, 320),  # 5 ms in the queue, 285 ms of work
            "summarization": _stage(32, 40),
        },
    )


def test_times_come_from_the_services_clocks() -> None:
    times = article_times(_result("a"))
    assert times is not None
    assert times.latency == 330 and times.ingest_wait == 10 and times.ingest == 20
    assert times.extraction_wait == 5 and times.summarization_wait == 2
    assert times.collector == 10  # extraction ended last, at 320
    assert times.critical_path == 20 + 285


def test_an_unfinished_article_has_no_times() -> None:
    result = _result("a").model_copy(update={"status": "processing", "finished_at": None})
    assert article_times(result) is None


def _run() -> StackRun:
    memory = MemorySampler({})
    memory.peak_process_mb = {"extraction": 300.0}
    memory.peak_total_mb = {"extraction": 700.0}
    memory.processes = {"extraction": 3}
    return StackRun(
        label="loaded",
        seconds=2.0,
        results=[_result("a"), _result("b", finished=430.0)],
        submit_ms={"a": Timed(3.0, 1.0), "b": Timed(5.0, None)},  # b: no Server-Timing
        cpu_s={"extraction": 0.6, "collector": 0.02},
        redis_commands=210,
        bench_commands=10,
        memory=memory,
        redis_memory_bytes=4096,
    )


def test_run_figures_per_article() -> None:
    figures = run_figures(_run())
    assert figures["articles_per_s"] == 1.0
    assert figures["cpu_ms_per_article"] == {"collector": 10.0, "extraction": 300.0}
    assert figures["redis_commands_per_article"] == 100.0  # the bench's own commands left out
    assert figures["redis_kb_per_stored_article"] == 2.0
    # gateway + collector per article: 3 + 10 and 5 + 110
    assert figures["gateway_plus_collector_ms"]["p50"] == 64.0  # type: ignore[index]
    assert figures["gateway_app_ms"]["p50"] == 1.0  # type: ignore[index]  # a's only


def test_the_report_shows_the_headline_figures() -> None:
    figures = run_figures(_run())
    headline = {
        "articles": 2,
        "distributed_articles_per_s": 1.0,
        "inprocess_articles_per_s": 1.25,
        "throughput_ratio": 0.8,
        "overhead_ms_p50": 13.0,
        "latency_ms": figures["latency_ms"],
    }
    report = {
        "cores": 2,
        "in_flight": 8,
        "inprocess": {"articles_per_s": 1.25, "runs": [1.2, 1.3], "cpu_ms_per_article": 280.0},
        "inprocess_archived": {
            "articles_per_s": 1.1,
            "cpu_ms_per_article": 300.0,
            "throughput_ratio": 0.909,
        },
        "loaded": figures,
        "idle": figures,
        "sweep": {"1": 0.6, "2": 1.0},
        "headline": headline,
    }
    text = markdown(report)
    assert "| **throughput ratio** | **0.8** |" in text
    assert "| 2 | 1.0 | 0.8 |" in text  # the sweep row divided by the in-process rate
    # The same work in one process (the archive write included) and its ratio, beside the first.
    assert (
        "| in-process with the archive write (the same work), articles/s; ratio | 1.1; 0.909 |"
        in text
    )
    assert "Ceiling" not in text  # no floor measured (--floor-messages 0)
    floor = {**_floor(4.0, 2.0), "messages_ms_per_article": 18.0, "ceiling": 0.833}
    with_floor = markdown({**report, "floor": {**floor, "cpu_ratio": 0.7}})
    assert "| stages | 1 | 0.5 | 3.2 | 0.3 | 4.0 | 4.0 | 300.0 | 12.0 | 2.5 / 3.1 |" in with_floor
    assert "Ceiling on the CPU ratio" in with_floor and "**0.833**; measured in this run: 0.7" in (
        with_floor
    )
    assert "eight a message" not in with_floor  # no batch8 variant measured
    batched = {**floor, "cpu_ratio": 0.7, "batched_ceiling": 0.95}
    assert "Were articles carried eight a message (batch8), the ceiling would be 0.95." in (
        markdown({**report, "floor": batched})
    )


def _floor(
    stages_ms: float, collector_ms: float, batch_ms: float | None = None
) -> dict[str, object]:
    variants = [("stages", stages_ms, 1), ("no-events", collector_ms, 1)]
    if batch_ms is not None:
        variants.append(("batch8", batch_ms, 8))
    return {
        "messages": 10,
        "payload_kb": 4.7,
        "variants": {
            name: {
                "variant": name,
                "send_ms": 0.5,
                "worker_ms": total - 0.8,
                "redis_ms": 0.3,
                "messages_per_s": 300.0,
                "redis_commands": 12.0,
                "idle_hop_ms_p50": 2.5,
                "idle_hop_ms_p95": 3.1,
                "articles_per_message": batch,
                "total_ms": total,
                "article_ms": total / batch,
            }
            for name, total, batch in variants
        },
    }


def test_the_ceiling_adds_an_articles_messages_at_their_floor_to_the_cores() -> None:
    # 90 ms of cores in process; three stage messages at 4 ms and three collector messages
    # (no task events) at 2 ms: 18 ms of messages, 90 / 108.
    floor = _floor(4.0, 2.0)
    assert messages_ms(floor) == 18.0
    assert ceiling(90.0, floor) == round(90 / 108, 3)
    assert ceiling(90.0, _floor(0.0, 0.0)) == 1.0


def test_the_batched_ceiling_counts_an_articles_share_of_a_batch_message() -> None:
    # A message of eight articles at 8 ms: 1 ms an article a message, six messages, 90 / 96.
    assert batched_ceiling(90.0, _floor(4.0, 2.0, batch_ms=8.0)) == round(90 / 96, 3)
    assert batched_ceiling(90.0, _floor(4.0, 2.0)) is None  # batch8 not measured


def test_articles_a_message_counts_the_stage_tasks_they_shared() -> None:
    results = [_result(f"a{n}") for n in range(4)]
    for n, result in enumerate(results):  # ingest: three together, one alone
        result.stages["ingest"].task_id = "t-together" if n < 3 else "t-alone"
        result.stages["extraction"].task_id = f"t-{n}"  # each alone
    figures = articles_a_message(results)
    assert figures["ingest"] == 2.0 and figures["extraction"] == 1.0
    assert figures["summarization"] == 0.0  # no task ids: nothing to count by
