"""Figures from one stack run's stored results: latencies, stage times, overhead, costs."""

from dataclasses import dataclass
from datetime import datetime

import numpy as np

from bench.distributed import StackRun
from shared.models import ArticleResult


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan")}
    p50, p95, p99 = np.percentile(np.array(values), [50, 95, 99])
    return {"p50": round(float(p50), 1), "p95": round(float(p95), 1), "p99": round(float(p99), 1)}


def _ms(later: datetime | None, earlier: datetime | None) -> float | None:
    if later is None or earlier is None:
        return None
    return 1000 * (later - earlier).total_seconds()


@dataclass(frozen=True)
class ArticleTimes:
    latency: float
    ingest_wait: float
    ingest: float
    extraction_wait: float
    extraction: float
    summarization_wait: float
    summarization: float
    collector: float  # the last stage's end -> the article recorded done

    @property
    def critical_path(self) -> float:
        return self.ingest + max(self.extraction, self.summarization)


def article_times(result: ArticleResult) -> ArticleTimes | None:
    stages = result.stages
    ingest, extraction, summary = stages["ingest"], stages["extraction"], stages["summarization"]
    if result.status != "done" or result.finished_at is None:
        return None
    last_stage_end = max(s.finished_at for s in stages.values() if s.finished_at is not None)
    values = (
        _ms(result.finished_at, result.submitted_at),
        _ms(ingest.started_at, result.submitted_at),
        ingest.duration_ms,
        _ms(extraction.started_at, ingest.finished_at),
        extraction.duration_ms,
        _ms(summary.started_at, ingest.finished_at),
        summary.duration_ms,
        _ms(result.finished_at, last_stage_end),
    )
    if any(v is None for v in values):
        return None
    return ArticleTimes(*(float(v) for v in values if v is not None))


def queued_message_kb(results: list[ArticleResult]) -> dict[str, float]:
    """Mean body size of the messages one article puts on each queue (Celery adds ~1 KB each):
    what a backlog costs Redis per waiting article."""
    documents = [r.document for r in results if r.document is not None]
    if not documents:
        return {}
    stage_request = sum(len(d.model_dump_json()) for d in documents) / len(documents) / 1024
    submission = sum(len(d.text) for d in documents) / len(documents) / 1024
    return {
        "ingest": round(submission, 1),
        "extraction": round(stage_request, 1),
        "summarization": round(stage_request, 1),
    }


def articles_a_message(results: list[ArticleResult]) -> dict[str, float]:
    """Mean articles a stage message carried: 1 when each went alone, more where a batch
    submission's travelled together (shared/batching.py)."""
    figures = {}
    for stage in ("ingest", "extraction", "summarization"):
        tasks = [r.stages[stage].task_id for r in results if r.stages[stage].task_id]
        figures[stage] = round(len(tasks) / len(set(tasks)), 2) if tasks else 0.0
    return figures


def run_figures(run: StackRun) -> dict[str, object]:
    timed = [(r.id, t) for r in run.results if (t := article_times(r)) is not None]
    times = [t for _, t in timed]
    failed = sum(1 for r in run.results if r.status != "done")

    def column(name: str) -> list[float]:
        return [float(getattr(t, name)) for t in times]

    gateway_plus_collector = [run.submit_ms[aid].round_trip_ms + t.collector for aid, t in timed]
    submits = list(run.submit_ms.values())
    in_app = [s.app_ms for s in submits if s.app_ms is not None]
    return {
        "articles": run.articles,
        "failed": failed,
        "seconds": round(run.seconds, 2),
        "articles_per_s": round(run.articles_per_s, 3),
        "latency_ms": percentiles(column("latency")),
        "stages_ms": {
            stage: {
                "service": percentiles(column(stage)),
                "queue_wait": percentiles(column(f"{stage}_wait")),
            }
            for stage in ("ingest", "extraction", "summarization")
        },
        "gateway_submit_ms": percentiles([s.round_trip_ms for s in submits]),
        "gateway_app_ms": percentiles(in_app),  # of which inside the app (Server-Timing)
        "collector_ms": percentiles(column("collector")),
        "gateway_plus_collector_ms": percentiles(gateway_plus_collector),
        "messaging_overhead_ms": percentiles([t.latency - t.critical_path for t in times]),
        "cpu_ms_per_article": {
            name: round(1000 * seconds / max(1, run.articles), 2)
            for name, seconds in sorted(run.cpu_s.items())
        },
        "redis_commands_per_article": round(
            (run.redis_commands - run.bench_commands) / max(1, run.articles), 1
        ),
        "redis_kb_per_stored_article": round(
            run.redis_memory_bytes / 1024 / max(1, run.articles), 1
        ),
        "queued_message_kb": queued_message_kb(run.results),
        "articles_a_message": articles_a_message(run.results),
        "peak_rss_mb": {
            name: {
                "largest_process": round(run.memory.peak_process_mb[name], 1),
                "all_processes": round(run.memory.peak_total_mb[name], 1),
                "processes": run.memory.processes[name],
            }
            for name in sorted(run.memory.peak_process_mb)
        },
    }
