"""The baseline: the same three cores called directly, one process per core, no messaging.

Each process loads the models once (as a worker's pool process does), then runs
``build_document`` -> ``extract`` -> ``summarize`` on its share of the articles.
"""

import multiprocessing
import time
from dataclasses import dataclass
from typing import Any

from services.extraction.core import Pipeline, extract, load_pipeline
from services.ingest.core import build_document
from services.summarization.core import summarize
from shared.models import ArticleSubmission
from shared.settings import Settings

_pipeline: Pipeline | None = None
_settings: Settings | None = None


def _load() -> None:
    global _pipeline, _settings
    _settings = Settings()
    _pipeline = load_pipeline(_settings)


def _warm(_: int) -> int:
    time.sleep(0.3)  # keeps this process busy so the next warm-up task lands on another one
    return multiprocessing.current_process().pid or 0


def _run(item: tuple[int, dict[str, Any]]) -> float:
    """One article through the three cores; returns its CPU seconds."""
    assert _pipeline is not None and _settings is not None
    index, body = item
    began = time.process_time()
    submission = ArticleSubmission.model_validate(body)
    document = build_document(f"bench-{index}", submission, _settings)
    extract(_pipeline, document)
    summarize(document, submission.options.summary, _settings)
    return time.process_time() - began


@dataclass(frozen=True)
class InProcessRun:
    processes: int
    articles: int
    seconds: float
    cpu_ms_per_article: float

    @property
    def articles_per_s(self) -> float:
        return self.articles / self.seconds


def run_inprocess(articles: list[dict[str, Any]], processes: int) -> InProcessRun:
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=_load) as pool:
        pool.map(_warm, range(processes * 2), chunksize=1)
        began = time.perf_counter()
        cpu = pool.map(_run, list(enumerate(articles)), chunksize=1)
        seconds = time.perf_counter() - began
    return InProcessRun(processes, len(articles), seconds, 1000 * sum(cpu) / len(cpu))
