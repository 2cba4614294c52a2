"""Sentence vectors from WordLlama's static token embeddings, loaded from the wheel, offline.

TF-IDF only sees shared words; these vectors also see that "cut spending" and "budget savings"
say the same thing. WordLlama averages 256-d token embeddings (distilled from a large language
model's input layer): about 0.02 ms a sentence on one core, no GPU, and its weights (16 MB) and
tokenizer ship inside the pinned wheel.

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
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from services.summarization.vectors import Matrix

DIMENSIONS = 256  # the wheel's smallest truncation; enough for sentence similarity


@cache
def _model() -> Any:
    # The tokenizer's thread pool only costs CPU on a dozen short sentences (2.4 -> 2.1 ms an
    # article on one core), and it must not be started before a worker forks its pool.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        wordllama = importlib.import_module("wordllama")
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    package = Path(str(wordllama.__file__)).parent
    return wordllama.WordLlama.load(dim=DIMENSIONS, cache_dir=str(package), disable_download=True)


def sentence_vectors(sentences: Sequence[Sequence[str]]) -> Matrix:
    """One unit-length row per sentence (given as its words); a row of zeros for no words."""
    if not sentences:
        return np.zeros((0, DIMENSIONS))
    vectors: Matrix = _model().embed([" ".join(words) for words in sentences], norm=True)
    return np.nan_to_num(vectors.astype(np.float64))


def load() -> None:
    """Load the weights now (a worker's pool process at start), not on the first article."""
    _model()
