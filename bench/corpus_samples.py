"""The corpus benchmark's query parameters, drawn from the corpus itself.

Words and phrases come from the base articles' texts by document frequency (a "common" word is in
many articles, so a search must rank and page through thousands; a "rare" one in a handful);
entities and places from the loaded archive (the most mentioned, and a sample of those seen in
one to three articles); time windows from the archive's own date range.
"""

import random
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from sqlalchemy import Engine, func, select

from services.gateway.corpus.rows import as_utc
from services.gateway.corpus.tables import article_places, articles, entity_days

_WORD = re.compile(r"[a-z]{4,}")
# Document-frequency bands over the base articles (fractions of them).
COMMON_DF = (0.05, 0.3)  # in thousands of articles at 100k, not in nearly all (near-stopwords)
RARE_DF = 1  # exactly one base article: its few dozen variants at 100k
PHRASE_DF = (0.005, 0.05)
POPULAR = 50
RARE_ENTITY_ARTICLES = 3
PER_BAND = 200


@dataclass(frozen=True)
class Samples:
    common_words: list[str]
    rare_words: list[str]
    phrases: list[str]
    popular_entities: list[str]
    rare_entities: list[str]
    places: list[str]
    earliest: datetime
    latest: datetime


def word_bands(texts: Iterable[str], seed: int = 0) -> tuple[list[str], list[str], list[str]]:
    """(common words, rare words, two-word phrases) by document frequency, sampled, sorted."""
    words: Counter[str] = Counter()
    pairs: Counter[str] = Counter()
    total = 0
    for text in texts:
        total += 1
        tokens = re.findall(r"[a-z]+", text.casefold())
        words.update({t for t in tokens if _WORD.fullmatch(t)})
        pairs.update({f"{a} {b}" for a, b in pairwise(tokens) if len(a) > 3 < len(b)})
    if total == 0:
        return [], [], []
    common = sorted(w for w, n in words.items() if COMMON_DF[0] <= n / total <= COMMON_DF[1])
    rare = sorted(w for w, n in words.items() if n == RARE_DF)
    phrases = sorted(p for p, n in pairs.items() if PHRASE_DF[0] <= n / total <= PHRASE_DF[1])
    rng = random.Random(seed)

    def sample(items: list[str]) -> list[str]:
        return sorted(rng.sample(items, min(PER_BAND, len(items))))

    return sample(common), sample(rare), sample(phrases)


def draw(engine: Engine, texts: Iterable[str], seed: int = 0) -> Samples:
    common, rare, phrases = word_bands(texts, seed)
    d, p, a = entity_days.c, article_places.c, articles.c
    with engine.connect() as conn:
        total = func.sum(d.articles)
        popular = conn.execute(
            select(d.key).group_by(d.key).order_by(total.desc(), d.key).limit(POPULAR)
        ).scalars()
        popular_entities = [str(k) for k in popular]
        rare_rows = conn.execute(
            select(d.key).group_by(d.key).having(total <= RARE_ENTITY_ARTICLES).order_by(d.key)
        ).scalars()
        rare_all = [str(k) for k in rare_rows]
        places = conn.execute(
            select(p.key).group_by(p.key).order_by(func.count().desc(), p.key).limit(POPULAR)
        ).scalars()
        place_keys = [str(k) for k in places]
        earliest, latest = conn.execute(select(func.min(a.dated_at), func.max(a.dated_at))).one()
    rng = random.Random(seed)
    rare_entities = sorted(rng.sample(rare_all, min(PER_BAND, len(rare_all))))
    return Samples(
        common,
        rare,
        phrases,
        popular_entities,
        rare_entities,
        place_keys,
        as_utc(earliest),
        as_utc(latest),
    )
