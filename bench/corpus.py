"""``make bench-corpus``: the archive at size, on each back-end (issue 11).

1. base articles: dev-set articles run through the real cores, cached (corpus_base.py);
2. a generated corpus of ``--articles`` variants of them (corpus_vary.py says how they vary);
3. per back-end (a temporary SQLite file; a private, durable PostgreSQL): load the corpus through
   ``archive.archive`` with ``--writers`` processes (corpus_load.py), measure its size on disk,
   then time every query kind of the corpus API (corpus_queries.py) with parameters drawn from
   the corpus (corpus_samples.py); a PostgreSQL query over its p95 target is explained.

Prints the Markdown report, writes it and ``bench-corpus.json`` to ``--out``, and prints, as the
last line of stdout, one JSON object: {"articles", "sqlite": {...}, "postgresql": {...}}.
"""

import argparse
import gc
import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text

from bench.corpus_backends import (
    BACKENDS,
    archive_url,
    disk_bytes,
    table_sizes_sqlite,
)
from bench.corpus_base import base_results
from bench.corpus_explain import explain
from bench.corpus_load import load
from bench.corpus_queries import measure
from bench.corpus_report import (
    TARGET_P95_MS,
    latency_p95,
    load_figures,
    markdown,
    query_figures,
)
from bench.corpus_samples import draw
from services.gateway.corpus.database import connect, upgrade
from services.gateway.corpus.tables import article_entities, articles, entity_days, stories
from shared.cores import available_cores

DEFAULT_WRITERS = {"sqlite": 1, "postgresql": 2}  # SQLite has one writer at a time anyway


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--base", type=int, default=2000, help="base articles built (cached)")
    parser.add_argument("--cache", type=Path, default=Path(".data/bench-corpus"))
    parser.add_argument("--out", type=Path, help="where the report goes (default: --cache)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--writers",
        default=",".join(f"{k}={v}" for k, v in DEFAULT_WRITERS.items()),
        help="writer processes per back-end",
    )
    return parser.parse_args()


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _corpus(engine: Engine) -> dict[str, int]:
    s = stories.c
    with engine.connect() as conn:
        return {
            "articles": conn.execute(select(func.count()).select_from(articles)).scalar_one(),
            "entity_keys": conn.execute(
                select(func.count(func.distinct(article_entities.c.key)))
            ).scalar_one(),
            "article_entities": conn.execute(
                select(func.count()).select_from(article_entities)
            ).scalar_one(),
            "entity_days": conn.execute(select(func.count()).select_from(entity_days)).scalar_one(),
            "stories": conn.execute(select(func.count()).select_from(stories)).scalar_one(),
            "stories_2plus": conn.execute(
                select(func.count()).select_from(stories).where(s.size >= 2)
            ).scalar_one(),
            "largest_story": conn.execute(select(func.coalesce(func.max(s.size), 0))).scalar_one(),
        }


def run_backend(
    backend: str, args: argparse.Namespace, writers: int, texts: list[str]
) -> dict[str, Any]:
    bases_path = args.cache / f"base-{args.base}.jsonl"
    with archive_url(backend) as url:
        engine = connect(url)
        try:
            upgrade(engine)
            _log(f"{backend}: loading {args.articles:,} articles with {writers} writer(s)")
            loaded = load(url, bases_path, args.articles, args.seed, writers)
            figures: dict[str, Any] = {"load": load_figures(loaded)}
            _log(f"  {figures['load']['articles_per_s']} articles/s")
            figures["load_average_after_load"] = [round(v, 2) for v in os.getloadavg()]
            if backend == "postgresql":  # what autovacuum would have done by now
                with engine.begin() as conn:
                    conn.execute(text("ANALYZE"))
            figures["disk"] = disk_bytes(engine)
            if backend == "sqlite":
                figures["disk_tables"] = table_sizes_sqlite(engine)
            figures["corpus"] = _corpus(engine)
            _log(f"  {figures['corpus']}; on disk {figures['disk']['total'] / 2**20:.0f} MB")
            samples = draw(engine, texts, args.seed)
            _log(f"{backend}: queries")
            runs = measure(engine, samples, args.seed)
            figures["queries"] = query_figures(runs)
            figures["explain"] = {
                r.name: explain(engine, r.slowest)
                for r in runs
                if backend == "postgresql"
                and latency_p95(figures["queries"][r.name]) >= TARGET_P95_MS
            }
        finally:
            engine.dispose()
    return figures


def main() -> None:
    args = _arguments()
    backends = [b for b in args.backends.split(",") if b]
    writers = {
        **DEFAULT_WRITERS,
        **{k: int(v) for k, v in (p.split("=") for p in args.writers.split(",") if p)},
    }
    _log(f"base articles: {args.base} (cached in {args.cache})")
    bases = base_results(args.base, args.cache)
    texts = [b.document.text for b in bases if b.document]
    base_articles = len(bases)
    # Only their texts are needed from here on (the writers read the bases themselves). Held,
    # the 2,000 parsed results are ~760,000 objects the collector scans in every full
    # collection: 0.3-0.7 s pauses inside timed calls, the all-time top entities' p95 tail
    # (docs/corpus.md). Without them this process holds ~90,000, a gateway ~136,000.
    del bases
    gc.collect()
    report: dict[str, Any] = {
        "articles": args.articles,
        "base_articles": base_articles,
        "seed": args.seed,
        "machine": f"{available_cores()} cores, {platform.machine()}, Python "
        f"{platform.python_version()}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m bench.corpus " + " ".join(sys.argv[1:]),
    }
    out: Path = args.out or args.cache
    out.mkdir(parents=True, exist_ok=True)
    for backend in backends:
        report[backend] = run_backend(backend, args, writers[backend], texts)
        # written after each back-end: a long run stopped part-way keeps what it measured
        (out / "bench-corpus.json").write_text(json.dumps(report, indent=2, default=str))
        (out / "bench-corpus.md").write_text(markdown(report) + "\n")
    print(markdown(report))
    headline = {"articles": args.articles}
    for backend in backends:
        b = report[backend]
        headline[backend] = {
            "load_articles_per_s": b["load"]["articles_per_s"],
            "write_ms_p95": b["load"]["write_ms"]["p95"],
            "disk_mb": round(b["disk"]["total"] / 2**20, 1),
            "query_p95_ms": {name: q["p95"] for name, q in b["queries"].items()},
        }
    print(json.dumps(headline))


if __name__ == "__main__":
    main()
