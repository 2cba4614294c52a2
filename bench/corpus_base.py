"""The corpus benchmark's base articles: dev-set articles run through the real cores, cached.

Sources, taken round-robin so a small ``--base`` still mixes them: BBC News (summaries dev set),
LGL local US news (places), TimeBank/AQUAINT newswire (dates) and PolNeAR political news (quotes,
dev then train). Each becomes a finished ``ArticleResult`` exactly as the collector would see it
(build_document -> extract -> summarize), so entities, places, keyphrases and summaries are what
the pipeline really produces. Building them costs about 0.2 s of one core per article, so the
results are cached as JSON lines under the cache directory and reused across runs.
"""

import json
import os
import sys
from collections.abc import Iterator
from itertools import zip_longest
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from shared.models import ArticleResult, ArticleSubmission

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
# (file under EVAL, the body's field, its title's field, a label): shared/eval/README.md.
SOURCES = (
    ("summaries/bbc-news-dev.jsonl", "article", "title", "bbc"),
    ("places/places-lgl.jsonl", "text", "title", "lgl"),
    ("dates/dates-tbaq.jsonl", "text", None, "tbaq"),
    ("quotes/quotes-polnear-dev.jsonl", "text", "title", "polnear"),
    ("quotes/quotes-polnear-train.jsonl", "text", "title", "polnear"),
)
BUILD_PROCESSES = 2  # this machine's cores; the build runs under nice beside other work
NICENESS = 10

_pipeline: Any = None


def _records(path: Path, body: str, title: str | None, label: str) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    seen: set[str] = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            text = record[body]
            if text in seen:  # the BBC set holds some articles twice
                continue
            seen.add(text)
            yield {
                "text": text,
                "title": record.get(title) if title else None,
                "source": label,
            }


def submissions(count: int, eval_dir: Path = EVAL) -> list[dict[str, Any]]:
    """Up to ``count`` distinct dev-set articles (submission bodies), the sources interleaved."""
    streams = [_records(eval_dir / name, *fields) for name, *fields in SOURCES]
    out: list[dict[str, Any]] = []
    for group in zip_longest(*streams):
        out.extend(item for item in group if item is not None)
        if len(out) >= count:
            break
    return out[:count]


def _init() -> None:
    global _pipeline
    os.nice(NICENESS)
    from services.extraction.core import load_pipeline
    from shared.settings import Settings

    _pipeline = load_pipeline(Settings())


def _build(job: tuple[int, dict[str, Any]]) -> str | None:
    """A finished result's JSON; None for an article the pipeline refuses (no text found)."""
    from services.evaluation.results import finished
    from services.ingest.core import EmptyArticleError
    from shared.settings import Settings

    index, body = job
    settings = Settings()
    article_id = f"base-{index:05d}"
    submission = ArticleSubmission.model_validate(body)
    try:
        result = finished(article_id, submission, settings, _pipeline, run_id="bench-corpus")
    except EmptyArticleError:
        return None
    return result.model_dump_json()


def base_results(count: int, cache: Path) -> list[ArticleResult]:
    """Up to ``count`` base results, built (and cached) on first use; an interrupted build
    resumes where it stopped."""
    path = cache / f"base-{count}.jsonl"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        built = set()
        if partial.exists():
            built = {json.loads(line)["id"] for line in partial.open(encoding="utf-8")}
        jobs = [
            (i, body) for i, body in enumerate(submissions(count)) if f"base-{i:05d}" not in built
        ]
        with Pool(BUILD_PROCESSES, initializer=_init) as pool, partial.open("a") as out:
            for done, line in enumerate(pool.imap(_build, jobs, chunksize=4), 1):
                if line is not None:
                    out.write(line + "\n")
                if done % 100 == 0:
                    print(f"  built {done}/{len(jobs)} base articles", file=sys.stderr, flush=True)
        partial.rename(path)
    with path.open(encoding="utf-8") as lines:
        return [ArticleResult.model_validate_json(line) for line in lines]
