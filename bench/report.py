"""The benchmark report as Markdown (what docs/performance.md quotes)."""

from typing import Any

from bench.task_floor import floor_markdown


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _p(values: dict[str, float]) -> str:
    return f"{values['p50']:.1f} / {values['p95']:.1f} / {values['p99']:.1f}"


def markdown(report: dict[str, Any]) -> str:
    head, loaded, idle = report["headline"], report["loaded"], report["idle"]
    runs = ", ".join(map(str, report["inprocess"]["runs"]))
    archived = report["inprocess_archived"]
    lines = [
        f"## Newsflow benchmark ({report['cores']} cores, {head['articles']} articles, "
        f"{report['in_flight']} in flight)",
        "",
        _row("figure", "value"),
        _row("---", "---"),
        _row("distributed, articles/s", head["distributed_articles_per_s"]),
        _row(
            "in-process, articles/s (before, after)",
            f"{head['inprocess_articles_per_s']} ({runs})",
        ),
        _row("**throughput ratio**", f"**{head['throughput_ratio']}**"),
        _row(
            "in-process with the archive write (the same work), articles/s; ratio",
            f"{archived['articles_per_s']}; {archived['throughput_ratio']}",
        ),
        _row("gateway + collector overhead p50, ms (idle)", head["overhead_ms_p50"]),
        _row("latency under load p50 / p95 / p99, ms", _p(loaded["latency_ms"])),
        _row("latency idle p50 / p95 / p99, ms", _p(idle["latency_ms"])),
        _row("Redis commands per article", loaded["redis_commands_per_article"]),
        _row("Redis memory per stored article, KB", loaded["redis_kb_per_stored_article"]),
        _row(
            "queued message bodies per article, KB (ingest / extraction / summarization)",
            " / ".join(str(v) for v in loaded["queued_message_kb"].values()),
        ),
        _row(
            "articles a message under load (ingest / extraction / summarization)",
            " / ".join(str(v) for v in loaded["articles_a_message"].values()),
        ),
        _row("failed articles", loaded["failed"] + idle["failed"]),
        "",
        "### Where the time goes (ms, p50 / p95 / p99)",
        "",
        _row("step", "under load", "idle"),
        _row("---", "---", "---"),
        _row(
            "gateway: POST round trip",
            _p(loaded["gateway_submit_ms"]),
            _p(idle["gateway_submit_ms"]),
        ),
        _row(
            "gateway: of which in the app (Server-Timing)",
            _p(loaded["gateway_app_ms"]),
            _p(idle["gateway_app_ms"]),
        ),
    ]
    for stage in ("ingest", "extraction", "summarization"):
        for part in ("queue_wait", "service"):
            label = f"{stage}: {part.replace('_', ' ')}"
            lines.append(
                _row(
                    label, _p(loaded["stages_ms"][stage][part]), _p(idle["stages_ms"][stage][part])
                )
            )
    lines += [
        _row(
            "collector: last stage's end -> done",
            _p(loaded["collector_ms"]),
            _p(idle["collector_ms"]),
        ),
        _row(
            "all messaging (latency - critical path)",
            _p(loaded["messaging_overhead_ms"]),
            _p(idle["messaging_overhead_ms"]),
        ),
        "",
        "### CPU per article and peak memory, under load",
        "",
        _row(
            "process",
            "CPU ms / article",
            "peak RSS, largest process (MB)",
            "all processes (MB)",
            "processes",
        ),
        _row("---", "---", "---", "---", "---"),
    ]
    for name, cpu in loaded["cpu_ms_per_article"].items():
        rss = loaded["peak_rss_mb"].get(name, {})
        lines.append(
            _row(
                name,
                cpu,
                rss.get("largest_process", "-"),
                rss.get("all_processes", "-"),
                rss.get("processes", "-"),
            )
        )
    total = sum(loaded["cpu_ms_per_article"].values())
    lines += [
        _row("**all**", f"**{total:.1f}**", "", "", ""),
        _row("in-process baseline", report["inprocess"]["cpu_ms_per_article"], "", "", ""),
        _row("in-process with the archive write", archived["cpu_ms_per_article"], "", "", ""),
        "",
        "### Throughput against extraction worker processes",
        "",
        _row("extraction processes", "articles/s", "÷ in-process"),
        _row("---", "---", "---"),
    ]
    for processes, rate in report["sweep"].items():
        lines.append(_row(processes, rate, round(rate / head["inprocess_articles_per_s"], 3)))
    if "batched" in report:
        lines += ["", *_batched(report["batched"], loaded)]
    if "floor" in report:
        lines += ["", *_floor(report["floor"])]
    if "before" in report:
        lines += ["", *_before_after(report["before"], loaded)]
    return "\n".join(lines) + "\n"


def _batched(batched: dict[str, Any], loaded: dict[str, Any]) -> list[str]:
    """Batch submissions (a fresh stack; its first round on the same articles) beside one at a
    time; latency, commands and CPU are the first round's."""
    lines = [
        f"### Batch submissions: the same articles {batched['batch']} a request, "
        f"{batched['in_flight']} in flight",
        "",
        _row("figure", "one a request", "batched"),
        _row("---", "---", "---"),
        _row("articles/s", loaded["articles_per_s"], batched["articles_per_s"]),
        *(
            _row(
                f"round {k}: articles/s; in process before, after; ratio",
                "",
                f"{r['articles_per_s']}; {r['inprocess_runs'][0]}, {r['inprocess_runs'][1]};"
                f" {r['throughput_ratio']}",
            )
            for k, r in enumerate(batched.get("rounds", []), start=1)
        ),
        _row(
            "throughput ratio, mean of the rounds' (in-process; the same work)",
            "",
            f"**{batched['throughput_ratio']}**; {batched['same_work_ratio']}",
        ),
        _row(
            "cores the paused stack kept busy beside the in-process runs",
            "",
            batched.get("paused_stack_cores", ""),
        ),
        _row("latency p50 / p95 / p99, ms", _p(loaded["latency_ms"]), _p(batched["latency_ms"])),
        _row(
            "Redis commands per article",
            loaded["redis_commands_per_article"],
            batched["redis_commands_per_article"],
        ),
        _row(
            "articles an ingest message",
            loaded["articles_a_message"]["ingest"],
            batched["articles_a_message"]["ingest"],
        ),
    ]
    return lines + _cpu_rows(loaded["cpu_ms_per_article"], batched["cpu_ms_per_article"])


def _floor(floor: dict[str, Any]) -> list[str]:
    batched = floor.get("batched_ceiling")
    return [
        *floor_markdown(floor),
        "",
        f"An article's six messages at their floor: {floor['messages_ms_per_article']} ms of "
        f"CPU. Ceiling on the CPU ratio (in-process CPU against the same plus those): "
        f"**{floor['ceiling']}**; measured in this run: {floor['cpu_ratio']}."
        + (
            f" Were articles carried eight a message (batch8), the ceiling would be {batched}."
            if batched is not None
            else ""
        ),
    ]


def _before_after(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The loaded phase on an earlier commit and on this one, from the same run."""
    env = f" with {before['env']}" if before["env"] else ""
    lines = [
        f"### Before ({before['ref']}{env}) and after, loaded phase, same run",
        "",
        _row("figure", "before", "after"),
        _row("---", "---", "---"),
        _row("articles/s", before["articles_per_s"], after["articles_per_s"]),
        _row("latency p50, ms", before["latency_ms"]["p50"], after["latency_ms"]["p50"]),
        _row(
            "Redis commands per article",
            before["redis_commands_per_article"],
            after["redis_commands_per_article"],
        ),
    ]
    return lines + _cpu_rows(before["cpu_ms_per_article"], after["cpu_ms_per_article"])


def _cpu_rows(first: dict[str, float], second: dict[str, float]) -> list[str]:
    """CPU ms an article of each process in two runs, side by side, and of all of them."""
    rows = [
        _row(f"CPU ms / article: {name}", first.get(name, "-"), second.get(name, "-"))
        for name in sorted(set(first) | set(second))
    ]
    total = _row(
        "CPU ms / article: all", round(sum(first.values()), 1), round(sum(second.values()), 1)
    )
    return [*rows, total]
