"""TF-IDF sentence vectors with IDF taken from the article itself (no corpus statistics to ship)."""

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]


def _normalise_rows(m: Matrix) -> Matrix:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    out: Matrix = np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)
    return out


def tfidf(
    sentences: Sequence[Sequence[str]], extra: Sequence[Sequence[str]] = ()
) -> tuple[Matrix, Matrix]:
    """Unit rows for tokenised sentences and for ``extra`` texts (e.g. the title), same space.

    Sublinear TF and smoothed in-article IDF: a word in every sentence still counts a little.
    Words found only in ``extra`` are dropped, as they cannot make two article sentences alike.
    """
    vocab: dict[str, int] = {}
    for toks in sentences:
        for t in toks:
            vocab.setdefault(t, len(vocab))
    counts = np.zeros((len(sentences), len(vocab)))
    for i, toks in enumerate(sentences):
        for t in toks:
            counts[i, vocab[t]] += 1
    extra_counts = np.zeros((len(extra), len(vocab)))
    for i, toks in enumerate(extra):
        for t in toks:
            j = vocab.get(t)
            if j is not None:
                extra_counts[i, j] += 1
    df = (counts > 0).sum(axis=0)
    idf = np.log((1 + len(sentences)) / (1 + df)) + 1.0

    def weigh(c: Matrix) -> Matrix:
        tf = np.where(c > 0, 1.0 + np.log(np.maximum(c, 1.0)), 0.0)
        return _normalise_rows(tf * idf)

    return weigh(counts), weigh(extra_counts)
