"""One-to-one matching of predictions to gold annotations, the way score.py pairs them."""

from collections.abc import Iterable, Sequence

Span = tuple[int, int]


def overlap(a: Span, b: Span) -> int:
    """Characters two spans share (0 when they only touch)."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def greedy(candidates: Iterable[tuple[float, int, int]]) -> dict[int, int]:
    """Gold index -> predicted index, taking (cost, gold, predicted) pairs cheapest first and
    each side at most once; ties go to the lower indices, as score.py's sort does."""
    matched: dict[int, int] = {}
    used: set[int] = set()
    for _, i, j in sorted(candidates):
        if i not in matched and j not in used:
            matched[i] = j
            used.add(j)
    return matched


def overlap_matches(gold: Sequence[Span], predicted: Sequence[Span]) -> dict[int, int]:
    """Relaxed matching: overlapping spans, the largest overlaps first."""
    return greedy(
        (-shared, i, j)
        for i, g in enumerate(gold)
        for j, p in enumerate(predicted)
        if (shared := overlap(g, p)) > 0
    )
