"""The bench's in-process baseline. Each test runs in a fresh interpreter: the baseline forks, and
a fork of this test process (holding the kombu connections of earlier tests) blocks in kombu's
after-fork cleanup on an inherited socket."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BASELINE = """
import json, multiprocessing
from bench.inprocess import run_inprocess
from services.seeds import seed_submissions
run = run_inprocess(seed_submissions()[:2] * 2, processes=2)
print(json.dumps({"articles": run.articles, "cpu_ms": run.cpu_ms_per_article,
                  "warmed": run.warmed_processes, "left": len(multiprocessing.active_children())}))
"""

# With an archive, every article the baseline runs is archived: the warm-up's too (ids from
# WARMUP_INDEX on), and they are not counted among the measured articles.
WARMED = """
import json, sqlite3, sys
from bench.inprocess import run_inprocess
from services.seeds import seed_submissions
articles = seed_submissions()[:2]
path = sys.argv[1]
run = run_inprocess(articles, processes=2, archive_url=f"sqlite:///{path}", warmup=articles)
ids = sorted(row[0] for row in sqlite3.connect(path).execute("SELECT id FROM articles"))
print(json.dumps({"articles": run.articles, "warmed": run.warmed_processes, "ids": ids}))
"""

# The bench's own TERM handler (bench/pipeline.py) in the parent; a forked child runs what the
# baseline's pool initializer runs, then waits; TERM must end it by the signal itself.
TERMED = """
import multiprocessing, os, signal, sys, time
from bench.inprocess import die_on_term
signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))

def child(ready):
    die_on_term()
    ready.set()
    time.sleep(60)

context = multiprocessing.get_context("fork")
ready = context.Event()
process = context.Process(target=child, args=(ready,))
process.start()
ready.wait(30)
os.kill(process.pid, signal.SIGTERM)
process.join(30)
print(process.exitcode)
"""


def _run(code: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip().splitlines()[-1]


def test_baseline_runs_every_article_and_leaves_no_process() -> None:
    run = json.loads(_run(BASELINE))
    assert run["articles"] == 4  # warm-up articles are not counted
    assert run["warmed"] == 2  # every process ran one before the clock started
    assert run["cpu_ms"] > 0
    assert run["left"] == 0


def test_a_baseline_process_dies_by_term_not_by_the_benchs_handler() -> None:
    # -15: killed by the signal. The inherited handler would exit with 143 (128 + 15) if the
    # Python code it interrupts lets SystemExit through, and not at all if it does not.
    assert _run(TERMED) == "-15"


def test_the_warm_up_runs_the_cores_in_every_process_before_the_clock(tmp_path: Path) -> None:
    run = json.loads(_run(WARMED, str(tmp_path / "archive.db")))
    assert run["articles"] == 2 and run["warmed"] == 2
    assert run["ids"] == ["bench-0", "bench-1", "bench-1000000", "bench-1000001"]
