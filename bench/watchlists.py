"""Watchlist matching at 1,000 and 10,000 watchlists: what each new article costs the collector.

The watchlists are random but made of what real finished articles hold (the dev articles of
bench/corpus_base.py, built through the real cores and cached): their entity keys and names,
keyphrases, resolved places, source labels and language, mixed the way an analyst's would be
(mostly a few entities or keywords, some narrowed by place, source or language). Reported: the
index's build time, the per-article match time (reading the article included) at each size, and
the plain matcher's (every watchlist checked in turn, watch.match_query) on a sample of the same
articles, with the two answers compared. One run; a table, then one JSON line.
"""

import argparse
import json
import platform
import random
import sys
import time
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from bench.corpus_base import base_results
from services.gateway.corpus.keys import entity_key
from services.gateway.monitor.watch import article_view, match_query
from services.gateway.monitor.watch_index import WatchIndex
from shared.models import ArticleResult, MatchedTerm, WatchQuery

SIZES = (1_000, 10_000)
RADII_KM = (10, 50, 200, 1000)  # a city, a metro area, a region, a country or sea
QUANTILES = (("p50", 0.5), ("p95", 0.95))
HOSTS = ("reuters.com", "apnews.com", "bbc.co.uk")


def _articles(count: int, cache: Path) -> list[ArticleResult]:
    """The first ``count`` base articles: from any larger cached build, else built (and cached).
    The base articles come in a fixed order, so the first ``count`` of a larger build are the
    same articles."""
    for path in sorted(cache.glob("base-*.jsonl")):
        if int(path.stem.split("-")[1]) >= count:
            with path.open(encoding="utf-8") as lines:
                return [ArticleResult.model_validate_json(line) for line in islice(lines, count)]
    return base_results(count, cache)


class Vocabulary:
    """What the articles hold that a watchlist may name."""

    def __init__(self, results: list[ArticleResult]) -> None:
        self.keys: list[str] = []
        self.names: list[str] = []
        self.phrases: list[str] = []
        self.points: list[tuple[float, float, str]] = []
        self.sources: list[str] = list(HOSTS)
        for result in results:
            extraction, document = result.extraction, result.document
            if extraction is None or document is None:
                continue
            self.keys += [entity_key(e.type, e.name) for e in extraction.entities]
            self.names += [e.name for e in extraction.entities]
            # Watched phrases are specific: "profit dip", not "profits".
            self.phrases += [k.text for k in extraction.keyphrases if " " in k.text]
            self.points += [
                (p.latitude, p.longitude, p.name)
                for p in extraction.places
                if p.latitude is not None and p.longitude is not None
            ]
            if document.source:
                self.sources.append(document.source)
        self.types = sorted({key.split(":")[0] for key in self.keys})
        # Each distinct term once: drawn with their repeats, a politics-heavy dev set made one
        # watchlist in four name Donald Trump, and 56 of 1,000 watchlists alert on each article.
        self.keys, self.names = sorted(set(self.keys)), sorted(set(self.names))
        self.phrases, self.points = sorted(set(self.phrases)), sorted(set(self.points))


def random_query(rng: random.Random, words: Vocabulary) -> WatchQuery:
    """Mostly a few entities or keywords; some narrowed by place, types, source or language."""
    fields: dict[str, Any] = {}
    roll = rng.random()
    if roll < 0.45 or roll >= 0.8:
        pick = rng.choice(words.keys) if rng.random() < 0.8 else rng.choice(words.names)
        fields["entities"] = [pick, *rng.choices(words.keys, k=rng.randint(0, 4))]
    if roll >= 0.45:
        fields["keywords"] = rng.choices(words.phrases + words.names, k=rng.randint(1, 5))
    if rng.random() < 0.15:
        lat, lon, name = rng.choice(words.points)
        fields["places"] = [
            {"lat": lat, "lon": lon, "radius_km": rng.choice(RADII_KM), "label": name[:200]}
        ]
    if rng.random() < 0.05 and "entities" not in fields:
        fields["types"] = rng.sample(words.types, rng.randint(1, 2))
    if rng.random() < 0.1:
        fields["sources"] = rng.sample(sorted(set(words.sources)), 2)
    if rng.random() < 0.1:
        fields["language"] = "en"
    return WatchQuery.model_validate(fields)


def percentiles(values: list[float]) -> dict[str, float]:
    """p50 and p95 to the microsecond: a match takes well under a millisecond."""
    ordered = sorted(values)
    if not ordered:
        return {"p50": float("nan"), "p95": float("nan")}
    last = len(ordered) - 1
    return {q: round(ordered[min(last, int(f * len(ordered)))], 3) for q, f in QUANTILES}


def _ms(start: float) -> float:
    return 1000 * (time.perf_counter() - start)


def _plain(
    watchlists: list[tuple[str, WatchQuery]], result: ArticleResult
) -> dict[str, list[MatchedTerm]]:
    view = article_view(result)
    found = {}
    for watchlist, query in watchlists:
        terms = match_query(query, view)
        if terms is not None:
            found[watchlist] = terms
    return found


def measure(
    size: int, results: list[ArticleResult], words: Vocabulary, rng: random.Random, sample: int
) -> dict[str, Any]:
    watchlists = [(f"w{i}", random_query(rng, words)) for i in range(size)]
    start = time.perf_counter()
    index = WatchIndex.build(watchlists)
    build_ms = _ms(start)
    times, alerts = [], []
    for result in results:
        start = time.perf_counter()
        alerts.append(len(index.match(result)))
        times.append(_ms(start))
    plain_times, agree = [], True
    for result in results[:sample]:
        start = time.perf_counter()
        found = _plain(watchlists, result)
        plain_times.append(_ms(start))
        agree = agree and found == index.match(result)
    index_ms, plain_ms = percentiles(times), percentiles(plain_times)
    return {
        "watchlists": size,
        "build_ms": round(build_ms, 1),
        "match_ms": index_ms,
        "alerts_per_article": round(sum(alerts) / len(alerts), 1),
        "plain_ms": plain_ms,
        "plain_articles": len(plain_times),
        "speedup_p50": round(plain_ms["p50"] / max(index_ms["p50"], 0.1), 1),
        "same_answers": agree,
    }


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Watchlist matching, {report['articles']} articles "
        f"({report['words_p50']} words p50), {report['machine']}, {report['date']}",
        "",
        "| watchlists | build (ms) | match p50 / p95 (ms) | alerts / article "
        "| plain p50 / p95 (ms) | plain / index (p50) | same answers |",
        "|---:|---:|---:|---:|---:|---:|:---|",
    ]
    for row in report["sizes"]:
        lines.append(
            f"| {row['watchlists']:,} | {row['build_ms']:,} "
            f"| {row['match_ms']['p50']} / {row['match_ms']['p95']} "
            f"| {row['alerts_per_article']} "
            f"| {row['plain_ms']['p50']:,} / {row['plain_ms']['p95']:,} "
            f"(of {row['plain_articles']}) | {row['speedup_p50']}x | {row['same_answers']} |"
        )
    lines.append(f"\nreading one article (words, keys, places) alone: {report['view_ms']} ms")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200, help="articles matched")
    parser.add_argument(
        "--vocabulary", type=int, default=2000, help="articles the watchlists' terms come from"
    )
    parser.add_argument("--cache", type=Path, default=Path(".data/bench-corpus"))
    parser.add_argument(
        "--plain", type=int, default=20, help="articles the plain matcher is timed on"
    )
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(f"base articles: {args.vocabulary} (cached in {args.cache})", file=sys.stderr)
    pool = [r for r in _articles(max(args.articles, args.vocabulary), args.cache) if r.document]
    words, results = Vocabulary(pool[: args.vocabulary]), pool[: args.articles]
    view_times = []
    for result in results:
        start = time.perf_counter()
        article_view(result)
        view_times.append(_ms(start))
    rng = random.Random(args.seed)
    sizes = [int(size) for size in args.sizes.split(",")]
    word_counts = sorted(r.document.word_count for r in results if r.document)
    report: dict[str, Any] = {
        "articles": len(results),
        "words_p50": word_counts[len(word_counts) // 2],
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "view_ms": percentiles(view_times)["p50"],
        "sizes": [],
    }
    for size in sizes:
        print(f"{size:,} watchlists", file=sys.stderr, flush=True)
        report["sizes"].append(measure(size, results, words, rng, args.plain))
    print(markdown(report))
    print(
        json.dumps(
            {
                "articles": report["articles"],
                **{
                    f"w{row['watchlists']}": {
                        "build_ms": row["build_ms"],
                        "match_p50_ms": row["match_ms"]["p50"],
                        "match_p95_ms": row["match_ms"]["p95"],
                        "plain_p50_ms": row["plain_ms"]["p50"],
                        "speedup_p50": row["speedup_p50"],
                        "same_answers": row["same_answers"],
                    }
                    for row in report["sizes"]
                },
            }
        )
    )


if __name__ == "__main__":
    main()
