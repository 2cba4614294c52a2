"""Offsets of a derived text mapped back to the text it was made from.

Ingest rewrites what it is given (whitespace squashed, invisible characters dropped, a headline
taken out as the title, mojibake repaired), so a span the extraction core finds in
``Document.text`` is not at the same offsets in the annotated source. The two texts share almost
all of their words, so words are aligned with difflib (linear in practice on news-sized texts)
and characters inside matched words map one to one; anything else takes its neighbour's place.
"""

import difflib
import re
from dataclasses import dataclass

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class OffsetMap:
    """``source_of[i]`` is the source offset of derived character ``i`` (-1 where unknown)."""

    source_of: list[int]
    source_length: int

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """The source span of derived ``[start, end)``, or None when neither end is known."""
        inside = [self.source_of[i] for i in range(start, end) if self.source_of[i] >= 0]
        if not inside:
            return None
        return inside[0], inside[-1] + 1


def align(source: str, derived: str) -> OffsetMap:
    src = [(m.start(), m.group()) for m in _WORD.finditer(source)]
    der = [(m.start(), m.group()) for m in _WORD.finditer(derived)]
    source_of = [-1] * len(derived)
    matcher = difflib.SequenceMatcher(
        None, [w for _, w in src], [w for _, w in der], autojunk=False
    )
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            s_at, word = src[block.a + k]
            d_at, _ = der[block.b + k]
            for j in range(len(word)):
                source_of[d_at + j] = s_at + j
    return OffsetMap(source_of, len(source))
