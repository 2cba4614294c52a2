"""Greedy pick of the best-scoring sentences, skipping near-repeats of ones already taken (MMR)."""

import numpy as np

from services.summarization.vectors import Matrix

REDUNDANCY_WEIGHT = 0.5  # share of the score range lost at full overlap with a picked sentence
DUPLICATE_SIMILARITY = 0.8  # cosine above which a sentence is a repeat, taken only as a last resort


def pick(scores: Matrix, vectors: Matrix, k: int, redundancy: bool = True) -> list[int]:
    """Row indices of up to ``k`` sentences in the order picked (plain top-k without redundancy)."""
    chosen: list[int] = []
    available = np.ones(len(scores), dtype=bool)
    overlap = np.zeros(len(scores))
    spread = float(scores.max() - scores.min()) if len(scores) else 0.0
    penalty = REDUNDANCY_WEIGHT * (spread if spread > 0 else 1.0) if redundancy else 0.0
    for _ in range(min(k, len(scores))):
        gain = scores - penalty * overlap - 2 * penalty * (overlap > DUPLICATE_SIMILARITY)
        best = int(np.argmax(np.where(available, gain, -np.inf)))
        chosen.append(best)
        available[best] = False
        overlap = np.maximum(overlap, vectors @ vectors[best])
    return chosen
