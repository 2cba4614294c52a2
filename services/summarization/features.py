"""Sentence features the learned scorer weighs: position, centrality, length and meaning.

All are cheap (one TF-IDF pass over the article, one embedding lookup per sentence) and need no
corpus statistics. None reads the headline: the scorer is trained to find the headline's content
without it, so it works on agency copy that comes without one; headline similarity is added apart
(``scoring.py``), by shared words and by meaning.
"""

from collections.abc import Sequence

import numpy as np

from services.summarization.candidates import Candidate
from services.summarization.embeddings import sentence_vectors
from services.summarization.vectors import Matrix, tfidf

POSITION_HALF_LIFE_WORDS = 60.0  # about three news sentences
FULL_SENTENCE_WORDS = 10  # shorter sentences count as fragments (bylines, captions, bullets)

# Feature names in column order, grouped for ablation (``--disable features.GROUP``).
GROUPS: dict[str, tuple[str, ...]] = {
    "position": ("prior", "first", "rank", "paragraph_first"),
    "centrality": ("centrality",),
    "length": ("full_length", "log_length"),
    "semantic": ("semantic",),
}
NAMES: tuple[str, ...] = tuple(name for group in GROUPS.values() for name in group)
TITLE_COLUMNS: tuple[str, ...] = ("words", "meaning")


def position_prior(candidates: Sequence[Candidate]) -> Matrix:
    """Halves every 60 words before the sentence: fragments before the lead barely push it down."""
    lengths = np.array([len(c.words) for c in candidates], dtype=np.float64)
    words_before = np.concatenate(([0.0], np.cumsum(lengths)[:-1]))
    prior: Matrix = 0.5 ** (words_before / POSITION_HALF_LIFE_WORDS)
    return prior


def _centrality(vectors: Matrix) -> Matrix:
    """Cosine of each (unit) row with the rows' sum: how much a sentence says what the rest say."""
    centroid = vectors.sum(axis=0)
    norm = float(np.linalg.norm(centroid))
    out: Matrix = vectors @ centroid / norm if norm > 0 else np.zeros(len(vectors))
    return out


def features(
    candidates: Sequence[Candidate], title: Sequence[str] | None = None
) -> tuple[Matrix, Matrix]:
    """(features in ``NAMES`` order, cosine of each sentence with ``title`` in ``TITLE_COLUMNS``
    order: by TF-IDF words, by sentence vectors; zeros without a title)."""
    n = len(candidates)
    vectors, title_vectors = tfidf([c.words for c in candidates], [title] if title else [])
    meaning = sentence_vectors([c.words for c in candidates] + ([title] if title else []))
    lengths = np.array([len(c.words) for c in candidates], dtype=np.float64)
    columns = {
        "prior": position_prior(candidates),
        "first": (np.arange(n) == 0).astype(np.float64),
        "rank": 1.0 / (1.0 + np.arange(n)),
        "paragraph_first": np.array(
            [
                k == 0 or c.paragraph != candidates[k - 1].paragraph
                for k, c in enumerate(candidates)
            ],
            dtype=np.float64,
        ),
        "centrality": _centrality(vectors),
        "full_length": np.minimum(1.0, lengths / FULL_SENTENCE_WORDS),
        "log_length": np.log(lengths),
        "semantic": _centrality(meaning[:n]),
    }
    matrix: Matrix = np.column_stack([columns[name] for name in NAMES])
    on_title: Matrix = (
        np.column_stack([vectors @ title_vectors[0], meaning[:n] @ meaning[n]])
        if title
        else np.zeros((n, len(TITLE_COLUMNS)))
    )
    return matrix, on_title
