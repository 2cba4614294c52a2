"""The bench pauses a stack beside its in-process runs: every process of each tree, then none."""

import subprocess
import sys
import time

import psutil

from bench.processes import cpu_seconds, paused

SPIN = "import os, time\nif os.fork() == 0:\n    pass\nwhile True:\n    pass\n"


def _stopped(processes: list[psutil.Process]) -> bool:
    return all(p.status() == psutil.STATUS_STOPPED for p in processes)


def test_paused_stops_every_process_of_each_tree_and_resumes_them() -> None:
    parent = subprocess.Popen([sys.executable, "-c", SPIN])  # spins, and so does its child
    other = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    pids = {"service": parent.pid, "redis": other.pid}
    try:
        deadline = time.monotonic() + 10
        while len(psutil.Process(parent.pid).children()) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        tree = [psutil.Process(parent.pid), *psutil.Process(parent.pid).children()]
        with paused(pids):
            everything = [*tree, psutil.Process(other.pid)]
            deadline = time.monotonic() + 5  # a signal takes effect when the process next runs
            while time.monotonic() < deadline and not _stopped(everything):
                time.sleep(0.01)
            assert _stopped(everything)
            before = cpu_seconds(pids)
            time.sleep(0.3)
            assert cpu_seconds(pids) == before
        time.sleep(0.3)
        after = cpu_seconds(pids)
        assert all(after[name] > before[name] for name in pids)
    finally:
        for process in (parent, other):
            for child in psutil.Process(process.pid).children(recursive=True):
                child.kill()
            process.kill()
            process.wait()
