"""Loading the generated corpus into one archive through ``archive.archive``, the collector's path.

Writer processes split the corpus by index (article ``i`` goes to writer ``i % writers``), each
generating its articles (corpus_vary.py) and archiving them one transaction each, as a collector
does. Generation is timed apart from archiving, so the write figures are the archive's alone;
more than one writer is also the archive's concurrency test (racing roll-up rows, story
assignment).
"""

import os
import sys
import time
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from bench.corpus_vary import generate, vocabulary
from services.gateway.corpus import archive
from services.gateway.corpus.database import connect
from shared.models import ArticleResult

NICENESS = 10
PROGRESS_EVERY = 5000


@dataclass(frozen=True)
class WriterRun:
    articles: int
    archive_s: float  # inside archive.archive
    archive_cpu_s: float  # this process's CPU time in it (not a database server's): robust to load
    generate_s: float
    write_ms: list[float]  # each archive.archive call


@dataclass(frozen=True)
class LoadRun:
    articles: int
    writers: int
    wall_s: float
    writers_runs: list[WriterRun]

    @property
    def archive_s(self) -> float:
        return sum(w.archive_s for w in self.writers_runs)

    @property
    def write_ms(self) -> list[float]:
        return [ms for w in self.writers_runs for ms in w.write_ms]


def read_bases(path: Path) -> list[ArticleResult]:
    with path.open(encoding="utf-8") as lines:
        return [ArticleResult.model_validate_json(line) for line in lines if line.strip()]


def _writer(job: tuple[str, Path, int, int, int, int]) -> WriterRun:
    url, bases_path, count, seed, writers, which = job
    os.nice(NICENESS)
    bases = read_bases(bases_path)
    vocab = vocabulary(bases)
    engine = connect(url)
    archive_s = generate_s = archive_cpu_s = 0.0
    write_ms: list[float] = []
    try:
        for done, index in enumerate(range(which, count, writers), 1):
            t0 = time.perf_counter()
            result = generate(index, bases, vocab, seed)
            t1, c1 = time.perf_counter(), time.process_time()
            archive.archive(engine, result)
            t2 = time.perf_counter()
            archive_cpu_s += time.process_time() - c1
            generate_s += t1 - t0
            archive_s += t2 - t1
            write_ms.append((t2 - t1) * 1000)
            if which == 0 and done % (PROGRESS_EVERY // writers) == 0:
                print(
                    f"  {done * writers}/{count} archived, {(t2 - t1) * 1000:.1f} ms last write",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        engine.dispose()
    return WriterRun(len(write_ms), archive_s, archive_cpu_s, generate_s, write_ms)


def load(url: str, bases_path: Path, count: int, seed: int, writers: int) -> LoadRun:
    """Archive ``count`` generated articles into the (upgraded, empty) archive at ``url``."""
    jobs = [(url, bases_path, count, seed, writers, w) for w in range(writers)]
    started = time.perf_counter()
    # spawn: each writer opens its own engine and loads its own models, nothing inherited.
    with get_context("spawn").Pool(writers) as pool:
        runs = pool.map(_writer, jobs)
    return LoadRun(count, writers, time.perf_counter() - started, runs)
