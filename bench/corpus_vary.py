"""A large benchmark corpus from a few thousand real results: how each article is varied.

Article ``i`` of a corpus is a pure function of (seed, i, the base results), so any process can
generate any slice of it and a run is reproducible:

- **base**: one of the base results (dev-set articles run through the real cores, corpus_base.py),
  drawn uniformly;
- **sentences**: the lead sentence stays first; every other sentence is kept with probability
  ``KEEP`` and the kept paragraphs are shuffled, so two variants of one base share about a fifth
  of their sentences (mean MinHash similarity 0.25 over same-base pairs of 600 variants of 100
  bases; 8% of pairs reach the 0.5 of a near-duplicate, stories.py: mostly short articles);
- **entities**: each person and organisation is renamed with probability ``RENAME`` to a name
  recombined from the bases' own first names, surnames and organisation words (skewed draws, so
  some new names recur and most are rare): the set of distinct entity keys keeps growing with
  the corpus, as a real archive's does; places are never renamed (the world's places are few);
  mentions, title, quotes and offsets follow the renaming (corpus_rewrite.py);
- **near-duplicates**: with probability ``DUPLICATE`` an article is instead a copy of one of the
  previous ``DUPLICATE_LAG`` articles with one sentence dropped, from another source up to
  ``DUPLICATE_HOURS`` later: these form the stories;
- **time and source**: dated uniformly over ``DAYS`` days from ``START``, from one of ``SOURCES``
  (skewed: a few big outlets, many small ones).
The MinHash signature is recomputed on the varied text (services.ingest.minhash).
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench.corpus_rewrite import RENAMED_TYPES, rewrite
from services.ingest.minhash import signature
from shared.models import ArticleResult

KEEP = 0.45  # 0.55 gave same-base pairs a mean MinHash similarity of 0.36 (docstring: 0.25)
RENAME = 0.3
DUPLICATE = 0.05  # the "~5% near-duplicates"
DUPLICATE_LAG = 200  # a wire story is rewritten within the next few hundred articles
DUPLICATE_HOURS = 36
START = datetime(2025, 1, 1, tzinfo=UTC)
DAYS = 365  # "dates spread over ~12 months"
PROCESSING = timedelta(minutes=5)  # published -> finished: what the collector would record
SOURCES = tuple(
    f"{name}.example"
    for name in (
        "wire",
        "daily-courier",
        "evening-post",
        "herald",
        "tribune",
        "gazette",
        "chronicle",
        "observer",
        "times",
        "independent",
        "record",
        "sentinel",
        "dispatch",
        "register",
        "bulletin",
        "examiner",
        "journal",
        "mirror",
        "star",
        "telegraph",
        "monitor",
        "express",
        "standard",
        "globe",
        "press",
        "echo",
        "argus",
        "beacon",
        "ledger",
        "inquirer",
    )
)


@dataclass(frozen=True)
class Vocabulary:
    """Name parts the renamings recombine, all from the bases (sorted: deterministic)."""

    first_names: tuple[str, ...]
    surnames: tuple[str, ...]
    org_heads: tuple[str, ...]
    org_tails: tuple[str, ...]


def _word_ok(word: str) -> bool:
    return word.isalpha() and word[:1].isupper()


def vocabulary(bases: list[ArticleResult]) -> Vocabulary:
    first, last, heads, tails = set(), set(), set(), set()
    for base in bases:
        for e in base.extraction.entities if base.extraction else []:
            words = e.name.split()
            if len(words) < 2 or not all(map(_word_ok, words)):
                continue
            if e.type == "PERSON":
                first.add(words[0])
                last.add(words[-1])
            elif e.type == "ORG":
                heads.add(words[0])
                tails.add(words[-1])
    return Vocabulary(
        tuple(sorted(first)) or ("Alex",),
        tuple(sorted(last)) or ("Smith",),
        tuple(sorted(heads)) or ("National",),
        tuple(sorted(tails)) or ("Group",),
    )


def _skewed(rng: random.Random, items: tuple[str, ...]) -> str:
    """Low indices far more often: a few names recur, most are rare (a Zipf-like tail)."""
    return items[int(len(items) * rng.random() ** 3)]


def new_name(rng: random.Random, entity_type: str, old: str, vocab: Vocabulary) -> str:
    if entity_type == "PERSON":
        surname = _skewed(rng, vocab.surnames)
        return surname if len(old.split()) == 1 else f"{_skewed(rng, vocab.first_names)} {surname}"
    return f"{_skewed(rng, vocab.org_heads)} {_skewed(rng, vocab.org_tails)}"


def _sentence_order(rng: random.Random, result: ArticleResult) -> list[int]:
    sentences = result.document.sentences if result.document else []
    if not sentences:
        return []
    kept = [s for s in sentences[1:] if rng.random() < KEEP]
    blocks: dict[int, list[int]] = {}
    for s in kept:
        blocks.setdefault(s.paragraph, []).append(s.index)
    shuffled = list(blocks.values())
    rng.shuffle(shuffled)
    return [0] + [i for block in shuffled for i in block]


def _finish(
    result: ArticleResult, seed: int, index: int, when: datetime, source: str
) -> ArticleResult:
    assert result.document is not None
    article_id = f"bench-{seed}-{index:07d}"
    document = result.document.model_copy(
        update={
            "article_id": article_id,
            "published_at": when,
            "source": source,
            "url": f"https://{source}/{index}",
            "minhash": signature(result.document.text),
        }
    )
    finished = when + PROCESSING
    return result.model_copy(
        update={
            "id": article_id,
            "run_id": f"run-{article_id}",
            "submitted_at": when,
            "updated_at": finished,
            "finished_at": finished,
            "document": document,
            "url": document.url,
        }
    )


def _source(rng: random.Random) -> str:
    return _skewed(rng, SOURCES)


def generate(
    index: int, bases: list[ArticleResult], vocab: Vocabulary, seed: int = 0
) -> ArticleResult:
    """Article ``index`` of the corpus for ``seed`` (see the module docstring)."""
    rng = random.Random(f"{seed}:{index}")
    if index > 0 and rng.random() < DUPLICATE:
        parent = generate(index - rng.randint(1, min(DUPLICATE_LAG, index)), bases, vocab, seed)
        assert parent.document is not None
        published = parent.document.published_at
        assert isinstance(published, datetime)  # _finish always sets a datetime
        n = len(parent.document.sentences)
        order = list(range(n))
        if n > 3:
            order.remove(rng.randrange(1, n))
        later = published + timedelta(hours=rng.uniform(0, DUPLICATE_HOURS))
        when = min(later, START + timedelta(days=DAYS) - timedelta(seconds=1))
        return _finish(rewrite(parent, order, {}), seed, index, when, _source(rng))
    base = bases[rng.randrange(len(bases))]
    order = _sentence_order(rng, base)
    renames: dict[str, str] = {}
    for e in base.extraction.entities if base.extraction else []:
        if e.type in RENAMED_TYPES and e.name not in renames and rng.random() < RENAME:
            renames[e.name] = new_name(rng, e.type, e.name, vocab)
    when = START + timedelta(seconds=rng.uniform(0, DAYS * 86400))
    return _finish(rewrite(base, order, renames), seed, index, when, _source(rng))
