"""The corpus benchmark's figures: percentiles, one back-end's summary, and the Markdown report."""

import math
from typing import Any

from bench.corpus_load import LoadRun
from bench.corpus_queries import CaseRun

TARGET_P95_MS = 200.0  # issue 11: every query p95 < 200 ms on PostgreSQL at 100k articles
PIPELINE_ARTICLES_PER_S = 6.5  # the distributed pipeline on this 2-core machine (performance.md)
MB = 1024 * 1024
TENTHS = 10


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def _ms(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2),
        "p99": round(percentile(values, 99), 2),
        "max": round(max(values, default=0.0), 2),
    }


def load_figures(run: LoadRun) -> dict[str, Any]:
    """Load rate overall, per writer, and the write latency as the archive grew (by tenths)."""
    per_writer_s = run.archive_s / run.writers if run.writers else 0.0
    tenths = []
    for w in run.writers_runs:
        size = max(1, len(w.write_ms) // TENTHS)
        tenths.append(
            [percentile(w.write_ms[i : i + size], 50) for i in range(0, size * TENTHS, size)]
        )
    by_tenth = (
        [round(sum(t[i] for t in tenths) / len(tenths), 2) for i in range(TENTHS)] if tenths else []
    )
    return {
        "articles": run.articles,
        "writers": run.writers,
        "wall_s": round(run.wall_s, 1),
        "articles_per_s": round(run.articles / run.wall_s, 1) if run.wall_s else 0.0,
        "archive_only_articles_per_s": round(run.articles / per_writer_s, 1)
        if per_writer_s
        else 0.0,
        "generate_s": round(sum(w.generate_s for w in run.writers_runs), 1),
        "archive_cpu_ms_per_article": round(
            1000 * sum(w.archive_cpu_s for w in run.writers_runs) / run.articles, 1
        )
        if run.articles
        else 0.0,
        "write_ms": _ms(run.write_ms),
        "write_ms_p50_by_tenth": by_tenth,
        "headroom_over_pipeline": round(run.articles / run.wall_s / PIPELINE_ARTICLES_PER_S, 1)
        if run.wall_s
        else 0.0,
    }


def _stream(run: CaseRun) -> dict[str, Any]:
    """A stream's latency is its first line; its total is a throughput (rows/s per call)."""
    if not run.first_ms:
        return {}
    rates = [n / (ms / 1000) for n, ms in zip(run.results, run.ms, strict=True) if ms]
    return {"first_row_ms": _ms(run.first_ms), "rows_per_s": round(percentile(rates, 50))}


def query_figures(runs: list[CaseRun]) -> dict[str, dict[str, Any]]:
    return {
        r.name: {
            **_ms(r.ms),
            "runs": len(r.ms),
            "mean_results": round(sum(r.results) / len(r.results), 1) if r.results else 0.0,
            "gc_ms": {**_ms(r.gc_ms), "total": round(sum(r.gc_ms), 1)},
            "full_gcs": r.full_gcs,
            **_stream(r),
        }
        for r in runs
    }


def latency_p95(figures: dict[str, Any]) -> float:
    """What the p95 target is held to: a stream's first line, any other call's whole answer."""
    first: dict[str, float] | None = figures.get("first_row_ms")
    return first["p95"] if first else float(figures["p95"])


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _first_row(report: dict[str, Any], backend: str, name: str) -> str:
    first = report[backend]["queries"].get(name, {}).get("first_row_ms")
    if first is None:
        return "-"
    p95 = first["p95"]
    over = backend == "postgresql" and p95 >= TARGET_P95_MS
    return f"{first['p50']} / {f'**{p95}**' if over else p95}"


def _rate(backend: dict[str, Any], name: str) -> str:
    rate = backend["queries"].get(name, {}).get("rows_per_s")
    return "-" if rate is None else f"{rate:,}"


def _pauses(backend: dict[str, Any], name: str) -> str:
    q = backend["queries"].get(name)
    if q is None or "gc_ms" not in q:
        return "-"
    return f"{q['gc_ms']['p95']} / {q['gc_ms']['max']} ({q['full_gcs']})"


def markdown(report: dict[str, Any]) -> str:
    backends = [b for b in ("sqlite", "postgresql") if b in report]
    lines = [
        f"## Corpus benchmark: {report['articles']:,} articles ({report['machine']}, "
        f"{report['date']})",
        "",
        f"`{report['command']}`; {report['base_articles']:,} base articles, seed {report['seed']}.",
        "",
        _row("figure", *backends),
        _row("---", *["---"] * len(backends)),
    ]

    def figure(label: str, get: Any) -> None:
        lines.append(_row(label, *(get(report[b]) for b in backends)))

    figure("writers", lambda b: b["load"]["writers"])
    figure("load, articles/s (wall)", lambda b: b["load"]["articles_per_s"])
    figure("archive.archive only, articles/s", lambda b: b["load"]["archive_only_articles_per_s"])
    figure(
        "writer CPU ms per article (client side)",
        lambda b: b["load"].get("archive_cpu_ms_per_article", "-"),
    )
    figure(
        "write ms p50 / p95 / p99",
        lambda b: (
            f"{b['load']['write_ms']['p50']} / {b['load']['write_ms']['p95']} / "
            f"{b['load']['write_ms']['p99']}"
        ),
    )
    figure(
        "write ms p50, first tenth -> last tenth",
        lambda b: (
            f"{b['load']['write_ms_p50_by_tenth'][0]} -> {b['load']['write_ms_p50_by_tenth'][-1]}"
        ),
    )
    figure(
        f"load rate / pipeline's {PIPELINE_ARTICLES_PER_S} articles/s",
        lambda b: f"{b['load']['headroom_over_pipeline']}x",
    )
    figure("archive on disk, MB", lambda b: round(b["disk"]["total"] / MB, 1))
    figure(
        "on disk per article, KB",
        lambda b: round(b["disk"]["total"] / report["articles"] / 1024, 1),
    )
    figure("distinct entity keys", lambda b: f"{b['corpus']['entity_keys']:,}")
    figure(
        "stories of 2+ (largest)",
        lambda b: f"{b['corpus']['stories_2plus']:,} ({b['corpus']['largest_story']})",
    )
    lines += [
        "",
        "### Queries, ms p50 / p95 (runs; mean results)",
        "",
        _row("query", *backends),
        _row("---", *["---"] * len(backends)),
    ]
    names = list(report[backends[0]]["queries"]) if backends else []
    for name in names:
        cells = []
        for b in backends:
            q = report[b]["queries"].get(name)
            if q is None:
                cells.append("-")
                continue
            over = b == "postgresql" and latency_p95(q) >= TARGET_P95_MS
            p95 = f"**{q['p95']}**" if over and "first_row_ms" not in q else q["p95"]
            cells.append(f"{q['p50']} / {p95} ({q['runs']}; {q['mean_results']})")
        lines.append(_row(name, *cells))
        if any("first_row_ms" in report[b]["queries"].get(name, {}) for b in backends):
            lines.append(
                _row(f"{name}: first row", *(_first_row(report, b, name) for b in backends))
            )
            lines.append(_row(f"{name}: rows/s", *(_rate(report[b], name) for b in backends)))
    lines += [
        "",
        f"PostgreSQL target: every p95 < {TARGET_P95_MS:.0f} ms (over it: bold); for a streamed "
        "case, its first row's.",
        "",
        "### Garbage-collection pauses inside the timed calls, ms p95 / max (full collections)",
        "",
        _row("query", *backends),
        _row("---", *["---"] * len(backends)),
    ]
    for name in names:
        lines.append(_row(name, *(_pauses(report[b], name) for b in backends)))
    for b in backends:
        for name, plans in report[b].get("explain", {}).items():
            lines += ["", f"#### {b}: {name} (slowest call's plans)", "", "```"]
            lines += plans
            lines += ["```"]
    return "\n".join(lines)
