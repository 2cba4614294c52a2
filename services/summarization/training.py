"""Fitting the scorer's weights: which sentences carry what the headline says, headline unseen.

Why the headline and not the BBC reference summaries: those references are extractive and behave
like a centrality summarizer's output (position barely matters after the first sentence), so
weights fitted to them learn to ignore position, which fails on agency copy, where the lead is
hard to beat. A headline is a human's statement of the story's gist, as agency highlights are.
Labels: in each training article, the ``LABELLED_SENTENCES`` candidates that hold the most of the
headline's words. A logistic regression (Newton's method, L2) learns them from ``features``, with
the headline hidden; then the weight of the position prior added on top is chosen from
``PRIOR_WEIGHTS`` by the headline words the ``LABELLED_SENTENCES``-sentence summaries hold: the
largest weight within ``RECALL_TOLERANCE`` of the best. Recall rewards long sentences, which
agency highlights do not, so among weights the proxy cannot tell apart the most lead-heavy wins.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from services.summarization.candidates import candidates
from services.summarization.features import NAMES, TITLE_COLUMNS, features
from services.summarization.scoring import Weights, score
from services.summarization.select import pick
from services.summarization.text import words
from services.summarization.vectors import Matrix
from shared.models import Document

METHOD = "headline-logit"
VERSION = "4"
LABELLED_SENTENCES = 3  # the agency summary length the method is built for
L2 = 1.0  # ridge on the weights; the fit is insensitive between 0.1 and 10
NEWTON_STEPS = 30
PRIOR_WEIGHTS = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0)
# Headline recall differences below half a point (of 100) are not a reason to lean on position
# less: on the BBC train half the spread between prior weights 1 and 8 is about one point.
RECALL_TOLERANCE = 0.005
NO_TITLE = frozenset({"title"})


@dataclass(frozen=True)
class Example:
    """One training article: its candidates' features and the headline's words."""

    matrix: Matrix
    sentence_words: list[set[str]]
    headline: set[str]


def example(document: Document) -> Example | None:
    """None when the article has no headline or no candidate sentence to learn from."""
    headline = set(words(document.title or ""))
    found = candidates(document)
    if not headline or not found:
        return None
    matrix, _ = features(found)
    return Example(matrix, [set(c.words) for c in found], headline)


def labels(ex: Example) -> Matrix:
    """1 for the sentences (ties included) that hold the most headline words."""
    held = np.array([len(ex.headline & s) for s in ex.sentence_words], dtype=np.float64)
    cut = np.sort(held)[-LABELLED_SENTENCES:].min()
    out: Matrix = (held >= cut).astype(np.float64)
    return out


def fit_logistic(x: Matrix, y: Matrix, l2: float = L2) -> tuple[Matrix, float]:
    """(weights, intercept) of an L2-regularised logistic regression; the intercept is free."""
    design = np.column_stack([x, np.ones(len(x))])
    w = np.zeros(design.shape[1])
    ridge = l2 * np.diag(np.r_[np.ones(x.shape[1]), 0.0])
    for _ in range(NEWTON_STEPS):
        p = 1.0 / (1.0 + np.exp(-(design @ w)))
        gradient = design.T @ (p - y) + ridge @ w
        hessian = (design * (p * (1 - p))[:, None]).T @ design + ridge
        w = w - np.linalg.solve(hessian, gradient)
    return w[:-1], float(w[-1])


def headline_recall(examples: Sequence[Example], weights: Weights | None) -> float:
    """Mean share of headline words in each ``LABELLED_SENTENCES``-sentence summary.

    ``weights`` None: the first sentences (Lead-3), the baseline to compare with.
    """
    total = 0.0
    for ex in examples:
        if weights is None:
            chosen = list(range(min(LABELLED_SENTENCES, len(ex.matrix))))
        else:
            no_title = np.zeros((len(ex.matrix), len(TITLE_COLUMNS)))
            scores = score(ex.matrix, no_title, weights, NO_TITLE)
            chosen = pick(scores, LABELLED_SENTENCES)
        covered = set().union(*(ex.sentence_words[row] for row in chosen))
        total += len(ex.headline & covered) / len(ex.headline)
    return total / len(examples) if examples else 0.0


def train(examples: Sequence[Example]) -> tuple[Weights, dict[float, float]]:
    """Fitted weights, and the headline recall of each prior weight tried."""
    x = np.vstack([ex.matrix for ex in examples])
    y = np.concatenate([labels(ex) for ex in examples])
    learned, _ = fit_logistic(x, y)
    rounded = tuple(round(float(v), 4) for v in learned)
    tried = {
        prior: headline_recall(examples, Weights(METHOD, VERSION, NAMES, rounded, prior))
        for prior in PRIOR_WEIGHTS
    }
    best = max(tried.values())
    chosen = max(prior for prior, recall in tried.items() if recall >= best - RECALL_TOLERANCE)
    return Weights(METHOD, VERSION, NAMES, rounded, chosen), tried
