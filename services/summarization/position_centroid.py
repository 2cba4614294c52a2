"""Sentence scores: an early-position prior plus closeness to the article and to its headline.

News states its gist first, so the prior carries the first picks; centrality (cosine to the
article's TF-IDF centroid) and headline overlap decide among the rest, where the prior is flat.
The prior decays with the words that come before a sentence, not its index, so bylines, bullets
and other fragments do not push the real lead down; fragments themselves are scaled down, since a
few words make a poor summary sentence. All features are language-independent.
"""

from collections.abc import Sequence

import numpy as np

from services.summarization.vectors import Matrix, tfidf

METHOD = "position-centroid"
VERSION = "1"

POSITION_HALF_LIFE_WORDS = 60.0  # about three news sentences
CENTRALITY_WEIGHT = 1.0
TITLE_WEIGHT = 0.5
FULL_SENTENCE_WORDS = 10  # shorter sentences get a proportionally lower score


def score(sentences: Sequence[Sequence[str]], title: Sequence[str] | None) -> tuple[Matrix, Matrix]:
    """Scores of tokenised sentences (article order), and their unit vectors for redundancy."""
    vectors, title_vectors = tfidf(sentences, [title] if title else [])
    lengths = np.array([len(s) for s in sentences], dtype=np.float64)
    words_before = np.concatenate(([0.0], np.cumsum(lengths)[:-1]))
    position = 0.5 ** (words_before / POSITION_HALF_LIFE_WORDS)
    centroid = vectors.sum(axis=0)
    norm = float(np.linalg.norm(centroid))
    centrality = vectors @ centroid / norm if norm > 0 else np.zeros(len(sentences))
    on_title = vectors @ title_vectors[0] if title else np.zeros(len(sentences))
    content = position + CENTRALITY_WEIGHT * centrality + TITLE_WEIGHT * on_title
    scores: Matrix = content * np.minimum(1.0, lengths / FULL_SENTENCE_WORDS)
    return scores, vectors
