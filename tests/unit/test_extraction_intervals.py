"""Intervals answers exactly what a scan over every span answers (extraction's overlap checks
rely on it giving identical results, issue 10)."""

import random

from services.extraction.intervals import Intervals


def _spans(rng: random.Random, n: int) -> list[tuple[int, int]]:
    spans = []
    for _ in range(n):
        start = rng.randrange(0, 200)
        spans.append((start, start + rng.choice([0, 1, 2, 5, 20, 120])))
    return spans


def test_which_and_any_agree_with_a_scan_over_every_span() -> None:
    rng = random.Random(10)
    for n in (0, 1, 3, 40, 300):
        spans = _spans(rng, n)
        index = Intervals(spans)
        for _ in range(200):
            before, after = rng.randrange(-5, 330), rng.randrange(-5, 330)
            scan = [i for i, (s, e) in enumerate(spans) if s < before and e > after]
            assert index.which(before, after) == scan
            assert index.any(before, after) == bool(scan)


def test_overlaps_is_sharing_a_character_and_an_empty_span_inside_counts() -> None:
    index = Intervals([(10, 20), (30, 30)])
    assert index.overlaps(19, 25) and index.overlaps(5, 11) and index.overlaps(29, 31)
    assert not index.overlaps(20, 30) and not index.overlaps(0, 10)
    assert index.overlaps(15, 15)  # an empty query inside a span, as the scan had it
