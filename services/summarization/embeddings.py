"""Sentence vectors from WordLlama's static token embeddings, loaded from the wheel, offline.

TF-IDF only sees shared words; these vectors also see that "cut spending" and "budget savings"
say the same thing. WordLlama's vectors are the mean of a sentence's 256-d token embeddings
(distilled from a large language model's input layer), normalised; no GPU, and its weights
(16 MB) and tokenizer ship inside the pinned wheel. Its own ``embed`` pads every sentence of a
batch to the longest and pools the padding away; summing each sentence's rows with one
``np.add.reduceat`` over the unpadded tokens gives the same vectors (to 1e-7) for less.

The wheel's loader looks for the tokenizer under ``tokenizer/`` (singular) beside its code, but
the file ships under ``tokenizers/``, and it then tries Hugging Face. Pointing its cache at the
package's own folder, which holds both ``weights/`` and ``tokenizers/``, finds them; downloads are
switched off, so a missing file is an error, never a network call. Importing the package calls
``logging.basicConfig`` (a plain-text handler on the root logger, ahead of the workers' JSON one),
so it is imported on first use and the root logger is put back as it was.
"""

import importlib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np

from services.summarization.vectors import Matrix

DIMENSIONS = 256  # the wheel's smallest truncation; enough for sentence similarity


@dataclass(frozen=True)
class _Model:
    tokenizer: Any  # tokenizers.Tokenizer, without padding
    table: Matrix  # token id -> embedding, float32


@cache
def _model() -> _Model:
    # The tokenizer's thread pool only adds CPU on a few dozen short sentences (a sixth of the
    # article's summarizing time), and it must not be started before a worker forks its pool.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        wordllama = importlib.import_module("wordllama")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    package = Path(str(wordllama.__file__)).parent
    model = wordllama.WordLlama.load(dim=DIMENSIONS, cache_dir=str(package), disable_download=True)
    model.tokenizer.no_padding()
    return _Model(model.tokenizer, model.embedding)


def sentence_vectors(sentences: Sequence[Sequence[str]]) -> Matrix:
    """One unit-length row per sentence (given as its words); a row of zeros for no tokens."""
    vectors: Matrix = np.zeros((len(sentences), DIMENSIONS))
    if not sentences:
        return vectors
    model = _model()
    # encode_batch_fast: the ids without each token's character offsets, which cost 40 %.
    encoded = model.tokenizer.encode_batch_fast(
        [" ".join(words) for words in sentences], add_special_tokens=False
    )
    counts = np.array([len(e.ids) for e in encoded])
    ids = np.fromiter(chain.from_iterable(e.ids for e in encoded), np.int64, int(counts.sum()))
    np.clip(ids, 0, len(model.table) - 1, out=ids)
    starts = np.cumsum(counts) - counts
    some = counts > 0  # reduceat would give an empty segment its next row, not zero
    if some.any():
        vectors[some] = np.add.reduceat(model.table[ids], starts[some], axis=0)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: Matrix = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return unit


def load() -> None:
    """Load the weights now (a worker's pool process at start), not on the first article."""
    _model()
