"""CPU time and peak memory of the stack's processes, sampled from outside (psutil).

A Celery worker is a main process plus its pool processes; both are counted, per service.
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

import psutil


def _children_by_parent() -> dict[int, list[psutil.Process]]:
    children: dict[int, list[psutil.Process]] = {}
    for process in psutil.process_iter(["ppid"]):
        children.setdefault(process.info["ppid"], []).append(process)
    return children


def _descendants(pid: int, children: dict[int, list[psutil.Process]]) -> list[psutil.Process]:
    """``pid`` and every process under it, from one snapshot of the process table."""
    try:
        found = [psutil.Process(pid)]
    except psutil.NoSuchProcess:
        return []
    for process in found:  # grows as it goes: breadth first
        found.extend(children.get(process.pid, []))
    return found


@contextmanager
def paused(pids: dict[str, int], last: str = "redis") -> Iterator[None]:
    """Every process of the services' trees stopped (SIGSTOP) for the block: a run beside an
    idle stack then shares the cores with nothing of it (an idle stack's heartbeats, polls and
    timers kept 2 % of a core busy). ``last`` (redis-server) stops after the others and resumes
    before them, so no client wakes to a server that cannot answer."""
    children = _children_by_parent()
    first = [p for name, pid in pids.items() if name != last for p in _descendants(pid, children)]
    final = _descendants(pids[last], children) if last in pids else []
    stopped = []
    try:
        for process in first + final:
            with suppress(psutil.NoSuchProcess):  # a process that has just ended needs no pause
                process.suspend()
                stopped.append(process)
        yield
    finally:
        for process in reversed(stopped):
            with suppress(psutil.NoSuchProcess):
                process.resume()


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """User + system CPU seconds so far of each service's process tree."""
    totals: dict[str, float] = {}
    children = _children_by_parent()
    for name, pid in pids.items():
        total = 0.0
        for process in _descendants(pid, children):
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        totals[name] = total
    return totals


@dataclass
class MemorySampler:
    """Peak RSS per service: of its largest single process and of its whole tree."""

    pids: dict[str, int]
    interval: float = 0.25
    peak_process_mb: dict[str, float] = field(default_factory=dict)
    peak_total_mb: dict[str, float] = field(default_factory=dict)
    processes: dict[str, int] = field(default_factory=dict)
    rescan_every: int = 8
    _trees: dict[str, list[psutil.Process]] = field(default_factory=dict)
    _samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> None:
        # The trees are read from one scan of /proc every few samples: psutil's children()
        # scans it once per call, and nine of those every 0.25 s took ~3.5 % of a core from the
        # stack being measured, which the in-process baseline never paid. A pool process that
        # replaced another is seen at the next scan, at most ``rescan_every`` samples later.
        if self._samples % self.rescan_every == 0:
            children = _children_by_parent()
            self._trees = {name: _descendants(pid, children) for name, pid in self.pids.items()}
        self._samples += 1
        for name, tree in self._trees.items():
            sizes = []
            for process in tree:
                try:
                    sizes.append(process.memory_info().rss / 2**20)
                except psutil.NoSuchProcess:
                    continue
            if not sizes:
                continue
            self.peak_process_mb[name] = max(self.peak_process_mb.get(name, 0.0), max(sizes))
            self.peak_total_mb[name] = max(self.peak_total_mb.get(name, 0.0), sum(sizes))
            self.processes[name] = max(self.processes.get(name, 0), len(sizes))

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> "MemorySampler":
        self.sample()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()
