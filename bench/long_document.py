"""Seconds and words/s of each stage on one long plain-text article (docs/extraction.md).

The article is the seed texts repeated up to ``--chars`` characters (default: the size limit,
settings.max_document_chars), so the language is real news prose. Run with one core:

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.long_document [--chars 500000]
"""

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from services.extraction.core import extract, load_pipeline
from services.ingest.core import build_document
from services.summarization.core import summarize
from shared.models import ArticleSubmission, SummaryOptions
from shared.settings import Settings

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
T = TypeVar("T")


def long_text(chars: int) -> str:
    """Seed articles, paragraph after paragraph, until ``chars`` characters."""
    prose = "\n\n".join(p.read_text() for p in sorted(SEEDS.glob("*.txt")))
    return (prose + "\n\n") * (chars // (len(prose) + 2) + 1)


def _timed(work: Callable[[], T]) -> tuple[T, float]:
    began = time.process_time()
    result = work()
    return result, time.process_time() - began


def main() -> None:
    settings = Settings()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chars", type=int, default=settings.max_document_chars)
    args = parser.parse_args()
    submission = ArticleSubmission(text=long_text(args.chars)[: args.chars])
    document, ingest_s = _timed(lambda: build_document("bench", submission, settings))
    words = len(document.text.split())
    print(f"document: {len(document.text):,} characters, {words:,} words")
    pipeline = load_pipeline(settings)
    extraction, extract_s = _timed(lambda: extract(pipeline, document))
    _, summary_s = _timed(lambda: summarize(document, SummaryOptions(), settings))
    for stage, seconds in (("ingest", ingest_s), ("extraction", extract_s), ("summary", summary_s)):
        print(f"{stage:<11} {seconds:7.1f} s CPU  {words / seconds:10,.0f} words/s")
    print(f"entities {len(extraction.entities)}, warnings {extraction.warnings}")


if __name__ == "__main__":
    main()
