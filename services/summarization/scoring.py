"""Sentence scores: learned feature weights, plus the position prior and headline similarity.

The weights are a small JSON artefact (``weights/``) written by ``make train-summarizer``
(``training.py``); loading it costs nothing at run time. Rule groups can be switched off by name
for ablation: ``prior``, ``title``, ``title.meaning`` (headline similarity by shared words only),
``learned`` (every learned weight) or ``features.GROUP`` (the learned weights of one feature group,
see ``features.GROUPS``).
"""

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from services.summarization.features import GROUPS, NAMES, TITLE_COLUMNS
from services.summarization.vectors import Matrix

WEIGHTS_FILE = Path(__file__).parent / "weights" / "headline-logit.json"

# Added to the logit per unit of headline cosine when the article has a title: the mean of the
# cosine by TF-IDF words and by sentence vectors. Not learned (the headline is the training label).
# On the BBC train half at 3 sentences, ROUGE-1 rises with it (words alone, v3: 0: 48.4, 1: 48.8,
# 2: 49.0, 4: 49.5); 2 is kept so that one cue cannot override the rest. Averaging in the vectors'
# cosine at that weight: 46.39 -> 46.59 (docs/summarization.md); the words' half keeps a cue that
# needs no English model.
TITLE_WEIGHT = 2.0

PRIOR, TITLE, TITLE_MEANING, LEARNED = "prior", "title", "title.meaning", "learned"


@dataclass(frozen=True)
class Weights:
    method: str
    version: str
    features: tuple[str, ...]
    weights: tuple[float, ...]
    prior_weight: float

    def to_json(self) -> str:
        return json.dumps(self.__dict__ | {"features": list(self.features)}, indent=2) + "\n"


def parse_weights(text: str) -> Weights:
    raw = json.loads(text)
    weights = Weights(
        method=str(raw["method"]),
        version=str(raw["version"]),
        features=tuple(raw["features"]),
        weights=tuple(float(w) for w in raw["weights"]),
        prior_weight=float(raw["prior_weight"]),
    )
    if weights.features != NAMES or len(weights.weights) != len(NAMES):
        raise ValueError(f"{WEIGHTS_FILE.name} does not match the features: retrain")
    return weights


@cache
def shipped_weights() -> Weights:
    return parse_weights(WEIGHTS_FILE.read_text(encoding="utf-8"))


def _active(disabled: frozenset[str]) -> Matrix:
    """1 for each feature whose learned weight is used, 0 for the switched-off ones."""
    off = {
        name for group, names in GROUPS.items() if f"features.{group}" in disabled for name in names
    }
    mask: Matrix = np.array(
        [0.0 if LEARNED in disabled or name in off else 1.0 for name in NAMES], dtype=np.float64
    )
    return mask


def score(
    matrix: Matrix, on_title: Matrix, weights: Weights, disabled: frozenset[str] = frozenset()
) -> Matrix:
    """One score per row of ``matrix`` (features in ``features.NAMES`` order); ``on_title`` has
    the headline cosines in ``features.TITLE_COLUMNS`` order."""
    learned = np.asarray(weights.weights) * _active(disabled)
    scores: Matrix = matrix @ learned
    if PRIOR not in disabled:
        scores = scores + weights.prior_weight * matrix[:, NAMES.index("prior")]
    if TITLE not in disabled:
        by_words = on_title[:, TITLE_COLUMNS.index("words")]
        by_meaning = on_title[:, TITLE_COLUMNS.index("meaning")]
        similarity = by_words if TITLE_MEANING in disabled else (by_words + by_meaning) / 2
        scores = scores + TITLE_WEIGHT * similarity
    return scores
