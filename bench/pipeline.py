"""``make bench``: the distributed pipeline against the same cores called in one process.

One run, on this machine's cores (shared/cores.py):

1. the stack (private redis-server, gateway, collector, one worker per stage at the default
   concurrency): a loaded phase (``--in-flight`` articles open at a time) for throughput and
   latency under load, between two in-process baselines on the same articles (ingest,
   extraction and summarization cores called directly, one process per core) run while the
   stack is paused (SIGSTOP): the machine is shared and its speed drifts, so the phase is
   judged against the mean of a baseline of its own minutes; then an idle phase (one article
   at a time) for the overhead on its own;
2. a fresh stack takes articles as batch submissions (``--batch`` a request: shared/batching.py
   carries them that many to a message) in ``--batch-rounds`` rounds, the first on the loaded
   phase's articles, each bracketed the same way;
3. the baseline writing the archive, as the collector does (the same work without messages);
4. the floor: what one message costs with no work in it (``bench/task_floor.py``), and the
   ceiling it puts on the ratio;
5. throughput against the number of extraction worker processes (``--sweep``).

Writes ``bench.json``, ``bench.md``, ``latency.png`` and ``workers.png`` to ``--out`` and prints
the Markdown report, then, as the last line of stdout, one JSON object with the headline figures.
"""

import argparse
import json
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.articles import DEFAULT_BBC, bench_articles
from bench.checkout import checkout
from bench.distributed import SERVICES, Around, LocalStack, Phase, StackRun, measure
from bench.figures import article_times, run_figures
from bench.inprocess import InProcessRun, run_inprocess
from bench.plots import latency_plot, workers_plot
from bench.processes import cpu_seconds, paused
from bench.report import markdown
from bench.task_floor import batched_ceiling, ceiling, measure_floor, messages_ms
from shared.cores import available_cores
from shared.settings import Settings


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200, help="articles in the loaded phase")
    parser.add_argument("--idle", type=int, default=20, help="articles sent one at a time")
    parser.add_argument("--sweep", default="1,2,4", help="extraction processes to compare")
    parser.add_argument("--sweep-articles", type=int, default=80)
    parser.add_argument("--in-flight", type=int, default=0, help="0 = 4 per core")
    parser.add_argument(
        "--floor-messages", type=int, default=1500, help="messages per floor variant; 0 = skip"
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=Settings().batch_max_articles,
        help="articles a batch submission in the batched phase; 1 = skip the phase",
    )
    parser.add_argument(
        "--batch-rounds",
        type=int,
        default=2,
        help="batched rounds of --articles each, every one between in-process runs of its own",
    )
    parser.add_argument("--bbc", type=Path, default=DEFAULT_BBC)
    parser.add_argument("--out", type=Path, default=Path(".data/bench"))
    parser.add_argument(
        "--compare", metavar="REF", help="also run the loaded phase on this commit's code (before)"
    )
    parser.add_argument(
        "--compare-env", default="", metavar="K=V,...", help="settings for the --compare run"
    )
    return parser.parse_args()


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    # A TERM (a CI timeout, `kill`) unwinds like Ctrl-C, so the stacks' ``finally`` stops their
    # workers and redis-server instead of leaving them running without a parent.
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    args = _arguments()
    cores = available_cores()
    in_flight = args.in_flight or 4 * cores
    sweep = [int(n) for n in args.sweep.split(",") if n]
    # Distinct articles per phase: the gateway would answer a repeated text from its store.
    extra_rounds = max(0, args.batch_rounds - 1) if args.batch > 1 else 0
    pool = bench_articles(
        args.articles * (1 + extra_rounds) + args.idle + args.sweep_articles + 2 * cores, args.bbc
    )
    loaded = pool[: args.articles]
    # Batched rounds: the loaded phase's articles, then fresh ones (a stack answers a known text
    # from its store) at the end of the pool.
    rounds = [loaded] + [
        pool[-2 * cores - (k + 1) * args.articles : -2 * cores - k * args.articles]
        for k in range(extra_rounds)
    ]
    idle = pool[args.articles : args.articles + args.idle]
    swept = pool[args.articles + args.idle : args.articles + args.idle + args.sweep_articles]
    warmup = pool[-2 * cores :]
    args.out.mkdir(parents=True, exist_ok=True)
    logs = args.out / "logs"

    brackets: list[Bracket] = []
    around = bracketed(cores, brackets, warmup)
    _log(
        f"stack at default concurrency, {len(loaded)} articles, {in_flight} in flight, between"
        f" in-process runs ({cores} processes) on the same articles"
    )
    loaded_run, idle_run = measure(
        [Phase("loaded", loaded, in_flight, bracket=True), Phase("idle", idle, 1)],
        warmup,
        {},
        logs / "default",
        around=around,
    )
    baseline = [brackets[0].before, brackets[0].after]
    _log(
        f"  {loaded_run.articles_per_s:.2f} articles/s; in process"
        f" {baseline[0].articles_per_s:.2f}, {baseline[1].articles_per_s:.2f}"
    )
    batched: list[StackRun] = []
    if args.batch > 1:
        # Enough batches open for every stage's pool processes to hold one.
        batch_in_flight = max(in_flight, 3 * args.batch)
        _log(
            f"fresh stack, {len(rounds)} rounds of {len(loaded)} articles {args.batch} a request,"
            f" {batch_in_flight} in flight, each between in-process runs on its articles"
        )
        phases = [
            Phase(f"batched {k + 1}", articles, batch_in_flight, args.batch, bracket=True)
            for k, articles in enumerate(rounds)
        ]
        batched = measure(phases, warmup, {}, logs / "batched", around=around)
        for run, bracket in zip(batched, brackets[1:], strict=True):
            _log(
                f"  {run.label}: {run.articles_per_s:.2f} articles/s; in process "
                f"{bracket.before.articles_per_s:.2f}, {bracket.after.articles_per_s:.2f}"
            )
    before: StackRun | None = None
    if args.compare:
        extra = dict(pair.split("=", 1) for pair in args.compare_env.split(",") if pair)
        _log(f"stack at {args.compare} {extra or ''}, {len(loaded)} articles")
        with checkout(args.compare) as tree:
            (before,) = measure(
                [Phase(f"before ({args.compare})", loaded, in_flight)],
                warmup,
                {name: extra for name in SERVICES},
                logs / "before",
                tree,
            )
        _log(f"  {before.articles_per_s:.2f} articles/s")
    _log("in-process baseline writing the archive, as the stack's collector does")
    with tempfile.TemporaryDirectory() as folder:
        archived = run_inprocess(loaded, cores, f"sqlite:///{Path(folder) / 'archive.db'}", warmup)
    _log(f"  {archived.articles_per_s:.2f} articles/s")
    # Beside the in-process runs its ceiling is read against: this machine's speed drifts.
    floor = None
    if args.floor_messages:
        _log(f"one message with no work, {args.floor_messages} messages a variant")
        floor = measure_floor(args.floor_messages)
    sweep_runs: dict[int, StackRun] = {}
    for processes in sweep:
        _log(f"stack with {processes} extraction processes, {len(swept)} articles")
        env = {"extraction": {"WORKER_CONCURRENCY": str(processes)}}
        (sweep_runs[processes],) = measure(
            [Phase(f"extraction={processes}", swept, in_flight)],
            warmup,
            env,
            logs / f"x{processes}",
        )
        _log(f"  {sweep_runs[processes].articles_per_s:.2f} articles/s")

    report = _report(cores, in_flight, baseline, archived, loaded_run, idle_run, sweep_runs)
    if floor is not None:
        report["floor"] = _floor(report, floor)
    if batched:
        report["batched"] = _batched(report, batched, args.batch, brackets[1:])
        report["headline"]["batched_articles_per_s"] = report["batched"]["articles_per_s"]
        report["headline"]["batched_throughput_ratio"] = report["batched"]["throughput_ratio"]
    if before is not None:
        report["before"] = {"ref": args.compare, "env": args.compare_env, **run_figures(before)}
    (args.out / "bench.json").write_text(json.dumps(report, indent=2))
    text = markdown(report)
    (args.out / "bench.md").write_text(text)
    latency_plot(
        {
            run.label: [t.latency for r in run.results if (t := article_times(r))]
            for run in (loaded_run, idle_run)
        },
        args.out / "latency.png",
    )
    inprocess = report["inprocess"]["articles_per_s"]
    points = {n: run.articles_per_s for n, run in sweep_runs.items()}
    workers_plot(points, inprocess, cores, args.out / "workers.png")
    print(text)
    print(json.dumps(report["headline"]))


def _floor(report: dict[str, Any], floor: dict[str, Any]) -> dict[str, Any]:
    """The floor with the ceiling it puts on the ratio, beside the CPU ratio measured."""
    inprocess = report["inprocess"]["cpu_ms_per_article"]
    stack = sum(report["loaded"]["cpu_ms_per_article"].values())
    return {
        **floor,
        "messages_ms_per_article": round(messages_ms(floor), 2),
        "ceiling": ceiling(inprocess, floor),
        "batched_ceiling": batched_ceiling(inprocess, floor),
        "cpu_ratio": round(inprocess / stack, 3),
    }


@dataclass
class Bracket:
    """The in-process runs on a phase's articles just before and just after it, and the cores
    the stack, paused beside them, still kept busy (none, if pausing works)."""

    before: InProcessRun
    after: InProcessRun
    stack_cores: float

    @property
    def articles_per_s(self) -> float:
        return (self.before.articles_per_s + self.after.articles_per_s) / 2


def bracketed(cores: int, brackets: list[Bracket], warmup: list[dict[str, Any]]) -> Around:
    """A phase between two in-process runs on the same articles, with the stack up but paused
    (bench/processes.py): this machine's speed drifts between phases by as much as the gap
    being measured, so each phase is judged against a baseline of its own minutes. Each run's
    processes are warmed on ``warmup``, the articles the stack was warmed on."""

    def inprocess(local: LocalStack, articles: list[dict[str, Any]]) -> tuple[InProcessRun, float]:
        pids = local.pids()
        with paused(pids):
            cpu, began = sum(cpu_seconds(pids).values()), time.perf_counter()
            run = run_inprocess(articles, cores, warmup=warmup)
            busy = (sum(cpu_seconds(pids).values()) - cpu) / (time.perf_counter() - began)
        return run, busy

    def around(local: LocalStack, phase: Phase, run: Callable[[], StackRun]) -> StackRun:
        before, busy_before = inprocess(local, phase.articles)
        measured = run()
        after, busy_after = inprocess(local, phase.articles)
        brackets.append(Bracket(before, after, max(busy_before, busy_after)))
        return measured

    return around


def _batched(
    report: dict[str, Any], runs: list[StackRun], batch: int, brackets: list[Bracket]
) -> dict[str, Any]:
    """The batched rounds: each round's ratio against its own bracket, their mean as the ratio;
    latency, CPU and commands from the first round (the loaded phase's articles)."""
    ratios = [run.articles_per_s / b.articles_per_s for run, b in zip(runs, brackets, strict=True)]
    rate = sum(run.articles for run in runs) / sum(run.seconds for run in runs)
    return {
        **run_figures(runs[0]),
        "articles_per_s": round(rate, 3),
        "batch": batch,
        "in_flight": max(report["in_flight"], 3 * batch),
        "rounds": [
            {
                "articles": run.articles,
                "articles_per_s": round(run.articles_per_s, 3),
                "inprocess_runs": [
                    round(b.before.articles_per_s, 3),
                    round(b.after.articles_per_s, 3),
                ],
                "throughput_ratio": round(ratio, 3),
            }
            for run, b, ratio in zip(runs, brackets, ratios, strict=True)
        ],
        "paused_stack_cores": round(max(b.stack_cores for b in brackets), 3),
        "inprocess_runs": [
            round(r.articles_per_s, 3) for b in brackets for r in (b.before, b.after)
        ],
        "throughput_ratio": round(sum(ratios) / len(ratios), 3),
        "same_work_ratio": round(rate / report["inprocess_archived"]["articles_per_s"], 3),
    }


def _report(
    cores: int,
    in_flight: int,
    baseline: list[InProcessRun],
    archived: InProcessRun,
    loaded: StackRun,
    idle: StackRun,
    sweep: dict[int, StackRun],
) -> dict[str, Any]:
    inprocess = sum(b.articles_per_s for b in baseline) / len(baseline)
    loaded_figures = run_figures(loaded)
    idle_figures = run_figures(idle)
    distributed = loaded.articles_per_s
    return {
        "cores": cores,
        "in_flight": in_flight,
        "inprocess": {
            "articles_per_s": round(inprocess, 3),
            "runs": [round(b.articles_per_s, 3) for b in baseline],
            "cpu_ms_per_article": round(
                sum(b.cpu_ms_per_article for b in baseline) / len(baseline), 2
            ),
            "warmed_processes": min(b.warmed_processes for b in baseline),  # of each run's
        },
        # The same work in one process: the three cores and the archive write of each article.
        "inprocess_archived": {
            "articles_per_s": round(archived.articles_per_s, 3),
            "cpu_ms_per_article": round(archived.cpu_ms_per_article, 2),
            "throughput_ratio": round(distributed / archived.articles_per_s, 3),
        },
        "loaded": loaded_figures,
        "idle": idle_figures,
        "sweep": {str(n): round(run.articles_per_s, 3) for n, run in sweep.items()},
        "headline": {
            "articles": loaded.articles,
            "distributed_articles_per_s": round(distributed, 3),
            "inprocess_articles_per_s": round(inprocess, 3),
            "throughput_ratio": round(distributed / inprocess, 3),
            "overhead_ms_p50": idle_figures["gateway_plus_collector_ms"]["p50"],  # type: ignore[index]
            "latency_ms": loaded_figures["latency_ms"],
        },
    }


if __name__ == "__main__":
    main()
