"""Character spans indexed for "which of them overlap or hold this span" in logarithmic time.

Toponyms, NER merging and place mentions ask that of every candidate against every entity
mention; a scan per question made extraction quadratic in the document's length (issue 10).
"""

from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate


class Intervals:
    """``(start, end)`` pairs, sorted by start with the furthest end reached so far: the pairs
    starting before ``x`` are a prefix, and that prefix's furthest end says at once whether any
    of them ends after ``y``."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        pairs = list(spans)
        self._order = sorted(range(len(pairs)), key=lambda i: pairs[i][0])
        self._starts = [pairs[i][0] for i in self._order]
        self._ends = [pairs[i][1] for i in self._order]
        self._reach = list(accumulate(self._ends, max))

    def any(self, starts_before: int, ends_after: int) -> bool:
        """Whether some span has ``start < starts_before`` and ``end > ends_after``."""
        k = bisect_left(self._starts, starts_before)
        return k > 0 and self._reach[k - 1] > ends_after

    def which(self, starts_before: int, ends_after: int) -> list[int]:
        """The positions (in the order given) of the spans with ``start < starts_before`` and
        ``end > ends_after``, ascending; the walk back stops where no earlier span reaches."""
        j = bisect_left(self._starts, starts_before) - 1
        found = []
        while j >= 0 and self._reach[j] > ends_after:
            if self._ends[j] > ends_after:
                found.append(self._order[j])
            j -= 1
        return sorted(found)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether some span shares a character with ``[start, end)`` (``s < end and start <
        e``, so an empty span inside another counts too)."""
        return self.any(end, start)
