"""Map character offsets to the ingest stage's sentences (never re-split: indices must agree)."""

from bisect import bisect_right

from shared.models import Document


class SentenceIndex:
    def __init__(self, document: Document) -> None:
        self._starts = [s.start for s in document.sentences]
        self._ends = [s.end for s in document.sentences]
        self._indices = [s.index for s in document.sentences]
        self._length = len(document.text)

    @property
    def starts(self) -> list[int]:
        """Start offsets of the sentences, in order."""
        return list(self._starts)

    def _position(self, offset: int) -> int:
        return max(bisect_right(self._starts, offset) - 1, 0)

    def of(self, offset: int) -> int:
        """Index of the sentence holding ``offset`` (0 when the document has no sentences)."""
        return self._indices[self._position(offset)] if self._indices else 0

    def bounds(self, offset: int) -> tuple[int, int]:
        """(start, end) of the sentence holding ``offset``; the whole text without sentences."""
        if not self._starts:
            return 0, self._length
        i = self._position(offset)
        return self._starts[i], self._ends[i]
