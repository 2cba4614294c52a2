"""The baseline: the same three cores called directly, one process per core, no messaging.

Each process loads the models once (as a worker's pool process does) and is warmed on a few
articles (as the stack is before it is measured), then runs ``build_document`` -> ``extract`` ->
``summarize`` on its share of the articles. With an archive URL it also writes each finished
article to the archive and matches it against the watchlists with the collector's own
``write_finished``: the same work without the messages, which the second ratio of the report
compares.
"""

import multiprocessing
import signal
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from services.evaluation.results import finished
from services.extraction.core import Pipeline, load_pipeline
from services.gateway.collector import write_finished
from services.gateway.corpus.database import connect, upgrade
from services.gateway.monitor.watchlists import IndexCache
from shared.models import ArticleSubmission
from shared.settings import Settings

_pipeline: Pipeline | None = None
_settings: Settings | None = None
_archive: Engine | None = None
_watch = IndexCache()
WARMUP_INDEX = 1_000_000  # warm-up articles' ids (``bench-1000000``...) never meet a measured one


def die_on_term() -> None:
    """The bench's TERM handler unwinds its stacks; a forked pool process owns none. Leaving the
    pool's block TERMs its processes (``terminate()``); with the inherited handler one went on
    waiting on the task queue's lock and the bench hung in the join for 17 minutes (the race of
    python/cpython#78178). With the default action TERM ends a process in any state."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _load(archive_url: str | None) -> None:
    global _pipeline, _settings, _archive
    die_on_term()
    _settings = Settings()
    _pipeline = load_pipeline(_settings)
    _archive = connect(archive_url) if archive_url else None


def _warm(item: tuple[int, dict[str, Any]]) -> int:
    """One warm-up article through the cores (and the archive), as the stack's processes get
    theirs before a phase: a fresh process's first articles cost about twice the rest (lazy
    model state, allocator arenas, statement caches), which would bias the baseline slow."""
    _run((WARMUP_INDEX + item[0], item[1]))
    time.sleep(0.3)  # keeps this process busy so the next warm-up task lands on another one
    return multiprocessing.current_process().pid or 0


def _run(item: tuple[int, dict[str, Any]]) -> float:
    """One article through the three cores (and the archive); returns its CPU seconds."""
    assert _pipeline is not None and _settings is not None
    index, body = item
    began = time.process_time()
    submission = ArticleSubmission.model_validate(body)
    result = finished(f"bench-{index}", submission, _settings, _pipeline)
    if _archive is not None:
        write_finished(_archive, _watch, [result])
    return time.process_time() - began


@dataclass(frozen=True)
class InProcessRun:
    processes: int
    articles: int
    seconds: float
    cpu_ms_per_article: float
    warmed_processes: int  # processes that ran a warm-up article before the clock started

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.seconds


def run_inprocess(
    articles: list[dict[str, Any]],
    processes: int,
    archive_url: str | None = None,
    warmup: list[dict[str, Any]] | None = None,
) -> InProcessRun:
    """``warmup`` (default: the first articles, two a process) runs in every process before the
    clock starts."""
    warmup = warmup or articles[: 2 * processes]
    if archive_url:
        engine = connect(archive_url)
        upgrade(engine)
        engine.dispose()
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=_load, initargs=(archive_url,)) as pool:
        warmed = set(pool.map(_warm, list(enumerate(warmup)), chunksize=1))
        began = time.perf_counter()
        cpu = pool.map(_run, list(enumerate(articles)), chunksize=1)
        seconds = time.perf_counter() - began
    return InProcessRun(processes, len(articles), seconds, 1000 * sum(cpu) / len(cpu), len(warmed))
