"""Measure story clustering on dev articles, their seeded wire rewrites and hard negatives.

Every article and rewrite goes through the real cores (``build_document``, ``extract``,
``summarize``), is archived by ``archive.archive`` into a fresh SQLite archive in date order, and
its story id is read back; services/evaluation/stories.py builds the stream and scores it. Each
half of the set (split by id hash) is its own archive: thresholds were chosen on "train".
Results are cached as JSONL keyed by their input, so reruns only archive and score. The last line
printed is one JSON object.
"""

import argparse
import hashlib
import json
import tempfile
import time
from collections.abc import Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from services.evaluation.stories import Item
    from shared.models import ArticleResult

DEFAULT_CACHE = Path(".data/eval-stories-cache.jsonl")
DEFAULT_SEED = 11
HALVES = ("train", "heldout")
# The constants of services/gateway/corpus/stories.py that --set may override (for sweeps).
TUNABLE = (
    "BANDS",
    "DUPLICATE_SIMILARITY",
    "CLOSE_DUPLICATE_SIMILARITY",
    "EVENT_WINDOW",
    "EVENT_SHARED_ENTITIES",
    "EVENT_SIMILARITY",
    "ENTITY_WEIGHT",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, required=True, help="JSONL of id/title/article rows")
    parser.add_argument("--limit", type=int, default=0, help="use the first N articles only")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="cache of results")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the stream")
    parser.add_argument("--half", choices=(*HALVES, "both"), default="both")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help=f"override a story constant for this run ({', '.join(TUNABLE)}; EVENT_WINDOW in days)",
    )


def overrides(pairs: Iterable[str]) -> dict[str, Any]:
    """``--set`` values typed like the constants they replace."""
    from services.gateway.corpus import stories

    out: dict[str, Any] = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        if name not in TUNABLE:
            raise SystemExit(f"--set: {name!r} is not one of {', '.join(TUNABLE)}")
        current = getattr(stories, name)
        if isinstance(current, timedelta):
            out[name] = timedelta(days=float(value))
        else:
            out[name] = type(current)(value)
    return out


def current_constants() -> dict[str, Any]:
    from services.gateway.corpus import stories

    values = {n: getattr(stories, n) for n in TUNABLE}
    return {
        n: v.total_seconds() / 86400 if isinstance(v, timedelta) else v for n, v in values.items()
    }


def _key(item: "Item") -> str:
    raw = json.dumps([item.id, item.title, item.text, item.source, item.published.isoformat()])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def results(items: Sequence["Item"], cache: Path) -> dict[str, "ArticleResult"]:
    """Each item's ArticleResult, from the cache or built by the cores (then cached)."""
    from shared.models import ArticleResult

    cached: dict[str, str] = {}
    if cache.exists():
        for line in cache.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            cached[row["key"]] = row["result"]
    out = {}
    missing = []
    for item in items:
        raw = cached.get(_key(item))
        if raw is None:
            missing.append(item)
        else:
            out[item.id] = ArticleResult.model_validate_json(raw)
    if missing:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with cache.open("a", encoding="utf-8") as sink:
            for item, result in _built(missing):
                out[item.id] = result
                row = {"key": _key(item), "result": result.model_dump_json()}
                sink.write(json.dumps(row) + "\n")
    return out


def _built(items: Sequence["Item"]) -> Iterable[tuple["Item", "ArticleResult"]]:
    from services.evaluation.results import finished
    from services.extraction.core import load_pipeline
    from shared.models import ArticleSubmission
    from shared.settings import get_settings

    settings = get_settings()
    pipeline = load_pipeline(settings)
    for item in items:
        submission = ArticleSubmission(
            text=item.text, title=item.title, source=item.source, published_at=item.published
        )
        yield item, finished(item.id, submission, settings, pipeline, run_id="eval-stories")


def story_ids(items: Sequence["Item"], built: dict[str, "ArticleResult"]) -> dict[str, int]:
    """Archive the items in date order into a fresh SQLite archive; each item's story id."""
    from sqlalchemy import select

    from services.gateway.corpus import archive
    from services.gateway.corpus.database import connect, upgrade
    from services.gateway.corpus.tables import articles

    with tempfile.TemporaryDirectory() as folder:
        engine = connect(f"sqlite:///{folder}/archive.db")
        upgrade(engine)
        for item in sorted(items, key=lambda i: (i.published, i.id)):
            archive.archive(engine, built[item.id])
        with engine.connect() as conn:
            rows = conn.execute(select(articles.c.id, articles.c.story_id)).all()
        engine.dispose()
    return {str(r.id): int(r.story_id) for r in rows}


def evaluate_half(items: Sequence["Item"], built: dict[str, "ArticleResult"]) -> dict[str, object]:
    from services.evaluation.stories import natural_groups, score

    gold = natural_groups({i.id: i.text for i in items if i.kind == "original"})
    return score(items, story_ids(items, built), gold)


def read_records(path: Path, limit: int) -> list[dict[str, str]]:
    records = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                records.append(json.loads(line))
            if limit and len(records) >= limit:
                break
    return records


def run(args: argparse.Namespace) -> int:
    from services.evaluation.stories import stream
    from services.gateway.corpus import stories
    from services.summarization.split import half_of

    for name, value in overrides(args.set).items():
        setattr(stories, name, value)
    records = read_records(args.data, args.limit)
    halves = HALVES if args.half == "both" else (args.half,)
    streams = {h: stream([r for r in records if half_of(r["id"]) == h], args.seed) for h in halves}
    began = time.perf_counter()
    built = results([i for s in streams.values() for i in s], args.cache)
    figures = {h: evaluate_half(s, built) for h, s in streams.items()}
    print(f"{args.data.name}: {len(records)} articles, {time.perf_counter() - began:.1f} s")
    print_table(figures)
    print(json.dumps({"seed": args.seed, "constants": current_constants(), "halves": figures}))
    return 0


def print_table(figures: dict[str, dict[str, Any]]) -> None:
    halves = list(figures)
    print(f"{'':<24}" + "".join(f"{h:>24}" for h in halves))
    for label, cells in _rows(figures[h] for h in halves):
        print(f"{label:<24}" + "".join(f"{c:>24}" for c in cells))


def _rows(halves: Iterable[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    rows: dict[str, list[str]] = {}
    for f in halves:
        cells = {
            "articles / variants": f"{f['originals']} / {f['variants']}",
            "stories (gold)": f"{f['stories']} ({f['gold_stories']})",
            **{f"dup recall {k}": _rate(v) for k, v in f["duplicate_recall"].items()},
            "hard negatives joined": _rate(f["hard_negatives_joined"]),
            "wrongly joined pairs": str(f["wrong_pairs"]),
            "pair P / R / F1": _prf(f, "pair_precision", "pair_recall", "pair_f1"),
            "category purity": f"{100 * f['category_purity']:.1f}",
            "  in multi stories": f"{100 * f['category_purity_multi']:.1f} "
            f"({f['multi_stories']} stories)",
            "category pair P / F1": _prf(f, "category_pair_precision", "category_pair_f1"),
        }
        for label, cell in cells.items():
            rows.setdefault(label, []).append(cell)
    return list(rows.items())


def _rate(r: dict[str, Any]) -> str:
    return f"{100 * r['rate']:.1f} ({r['joined']}/{r['pairs']})"


def _prf(f: dict[str, Any], *keys: str) -> str:
    return " / ".join(f"{100 * f[k]:.1f}" for k in keys)
