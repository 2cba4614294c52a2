"""``make bench-archive``: the collector's archive write alone, this code against another commit's.

Times what the collector does with a finished article (the archive write and the watchlist match,
``collector.write_finished``) over the corpus benchmark's cached base results (real dev-set
articles through the real cores), on each back-end: one article a transaction, as single outcomes
arrive, and ``--batch`` articles a transaction, as an outcome batch's are written. With
``--compare REF`` every measurement also runs on REF's code, the two alternating, so a change's
before and after come from one run. Each measurement is a fresh process (its code first on the
path) writing into a fresh archive; PostgreSQL is a private, durable server (corpus_backends.py).

Prints a Markdown table; the last line of stdout is one JSON object of the figures.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

WARMUP = 16  # written first, untimed: statement caches, the first pages of every table


def _write_finished(engine: Any, watch: Any, results: Sequence[Any]) -> None:
    """The collector's write on the code that is on the path: ``write_finished`` where it exists;
    before it did (a21d1e8 and older), the archive write and the match in two transactions."""
    try:
        from services.gateway.collector import write_finished
    except ImportError:
        from datetime import UTC, datetime

        from services.gateway.corpus import archive
        from services.gateway.monitor import alerts

        for result in results:
            archive.archive(engine, result)
            with archive.write_transaction(engine) as conn, conn.begin():
                alerts.fire(conn, watch, result, datetime.now(UTC))
        return
    write_finished(engine, watch, results)


def measure(url: str, results_path: Path, batch: int, warmup: int = WARMUP) -> dict[str, float]:
    """In this process: CPU and wall ms an article of writing the results after the warm-up."""
    from services.gateway.corpus.database import connect, upgrade
    from services.gateway.monitor.watchlists import IndexCache
    from shared.models import ArticleResult

    with results_path.open(encoding="utf-8") as lines:
        results = [ArticleResult.model_validate_json(line) for line in lines]
    engine = connect(url)
    upgrade(engine)
    watch = IndexCache()
    _write_finished(engine, watch, results[:warmup])
    timed = results[warmup:]
    cpu, wall = time.process_time(), time.perf_counter()
    for at in range(0, len(timed), batch):
        _write_finished(engine, watch, timed[at : at + batch])
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    engine.dispose()
    return {"cpu_ms": 1000 * cpu / len(timed), "wall_ms": 1000 * wall / len(timed)}


def _in_child(code: Path, url: str, results_path: Path, batch: int) -> dict[str, float]:
    """``measure`` in a fresh process whose imports come from ``code`` (a checkout or this tree)."""
    env = {**os.environ, "PYTHONPATH": str(code), "OMP_NUM_THREADS": "1"}
    argv = [sys.executable, __file__, "--measure", url, str(results_path), str(batch)]
    done = subprocess.run(argv, env=env, cwd=code, capture_output=True, text=True, check=True)
    figures: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=300, help="base results written")
    parser.add_argument("--batch", type=int, default=8, help="articles a batch's transaction")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--compare", metavar="REF", help="also measure this commit's code")
    parser.add_argument("--cache", type=Path, default=Path(".data/bench-corpus"))
    parser.add_argument(
        "--measure", nargs=3, metavar=("URL", "RESULTS", "BATCH"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.measure:
        url, path, batch = args.measure
        print(json.dumps(measure(url, Path(path), int(batch))))
        return 0

    from bench.checkout import checkout
    from bench.corpus_backends import archive_url
    from bench.corpus_base import base_results

    results = base_results(args.results, args.cache)
    here = Path(__file__).resolve().parents[1]
    rows: list[dict[str, Any]] = []
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        results_path = folder / "results.jsonl"
        results_path.write_text("".join(r.model_dump_json() + "\n" for r in results))
        codes = [("this", here)]
        if args.compare:
            codes.insert(0, (args.compare, stack.enter_context(checkout(args.compare)).resolve()))
        for backend in args.backends.split(","):
            for batch in sorted({1, args.batch}):
                for round_ in range(1, args.rounds + 1):
                    for label, code in codes:
                        with archive_url(backend) as url:
                            figures = _in_child(code, url, results_path, batch)
                        row = {"backend": backend, "batch": batch, "round": round_, "code": label}
                        rows.append({**row, **figures})
                        print(
                            f"  {backend}, {batch} a transaction, round {round_}, {label}: "
                            f"{figures['cpu_ms']:.2f} ms CPU, {figures['wall_ms']:.2f} ms wall",
                            file=sys.stderr,
                            flush=True,
                        )
    print(f"### Archive write + watchlist match, {len(results) - WARMUP} articles\n")
    print("| back-end | articles a transaction | round | code | CPU ms an article | wall ms |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(
            f"| {r['backend']} | {r['batch']} | {r['round']} | {r['code']} "
            f"| {r['cpu_ms']:.2f} | {r['wall_ms']:.2f} |"
        )
    print()
    print(json.dumps({"articles": len(results) - WARMUP, "rows": rows}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
