"""Seconds and words/s of each stage on long plain-text articles (docs/performance.md).

Each article is the seed texts repeated up to ``--chars`` characters (default: an eighth, a
quarter, half and all of the size limit, settings.max_document_chars), so the language is real
news prose; constant words/s across the sizes is what linear cost looks like. One core:

    OMP_NUM_THREADS=1 .venv/bin/python -m bench.long_document [--chars 62500,500000]
"""

import argparse
import time
from collections.abc import Callable
from functools import partial
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
    limit = settings.max_document_chars
    default = ",".join(str(limit // d) for d in (8, 4, 2, 1))
    parser.add_argument("--chars", default=default, help="comma-separated sizes")
    args = parser.parse_args()
    pipeline = load_pipeline(settings)
    print("| characters | words | stage | CPU s | words/s |\n|---|---|---|---|---|")
    for chars in (int(c) for c in args.chars.split(",")):
        submission = ArticleSubmission(text=long_text(chars)[:chars])
        document, ingest_s = _timed(partial(build_document, "bench", submission, settings))
        words = len(document.text.split())
        _, extract_s = _timed(partial(extract, pipeline, document))
        _, summary_s = _timed(partial(summarize, document, SummaryOptions(), settings))
        for stage, seconds in (
            ("ingest", ingest_s),
            ("extraction", extract_s),
            ("summary", summary_s),
        ):
            rate = words / seconds if seconds else float("inf")
            print(f"| {len(document.text):,} | {words:,} | {stage} | {seconds:.2f} | {rate:,.0f} |")


if __name__ == "__main__":
    main()
