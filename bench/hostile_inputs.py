"""CPU seconds per stage for hostile inputs at the size limit (docs/reliability.md, Hostile input).

Each input repeats one adversarial unit up to Settings.max_document_chars; the slowest line is the
figure the issue asks for. ``OMP_NUM_THREADS=1 .venv/bin/python -m bench.hostile_inputs``
"""

import itertools
import time

from services.extraction.core import Pipeline, extract, load_pipeline
from services.ingest.core import build_document
from services.summarization.core import summarize
from shared.models import ArticleSubmission, SummaryOptions
from shared.settings import Settings

TEXT_UNITS = {
    "abbreviations": "Dr. Smith of the U.S. and Mr. Jones of the U.K. met St. Paul at 9 a.m. ",
    "open quotes": '“He said "it was ‘fine ',
    "apostrophes": "O'Brien's '' ’s ''' ",
    "dates": "on Monday, 12 May 1990, last year, 3 weeks before the 1990s ",
    "capitalised": "Acme Corp Smith New York Reuters Paris Berlin ",
    "dots": "Word.... ... .",
}
HTML_UNITS = {
    "nested ad boxes": '<div class="ad">',
    "wide paragraphs": "<p>Dr. Smith said “the U.S. was ready” on May 12.</p>",
}


def _stages(pipeline: Pipeline, submission: ArticleSubmission, settings: Settings) -> list[float]:
    """CPU seconds of ingest, extraction and summarization of ``submission``."""
    marks = [time.process_time()]
    document = build_document("hostile", submission, settings)
    marks.append(time.process_time())
    extract(pipeline, document)
    marks.append(time.process_time())
    summarize(document, SummaryOptions(), settings)
    marks.append(time.process_time())
    return [b - a for a, b in itertools.pairwise(marks)]


def main() -> None:
    settings = Settings()
    pipeline = load_pipeline(settings)
    size = settings.max_document_chars
    inputs = {
        name: ArticleSubmission(text=(unit * (size // len(unit) + 1))[:size])
        for name, unit in TEXT_UNITS.items()
    }
    for name, unit in HTML_UNITS.items():
        body = unit * (size // len(unit))
        if name == "nested ad boxes":
            body = unit * 250 + HTML_UNITS["wide paragraphs"] * 5_000 + "</div>" * 250
        inputs[name] = ArticleSubmission(html=f"<html><body>{body}</body></html>")
    print(f"{'input':<18} {'ingest':>8} {'extract':>8} {'summary':>8}  (CPU s)")
    for name, submission in inputs.items():
        seconds = "".join(f" {s:8.1f}" for s in _stages(pipeline, submission, settings))
        print(f"{name:<18}{seconds}", flush=True)


if __name__ == "__main__":
    main()
