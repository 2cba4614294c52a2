"""Words as the ingest stage counts and fingerprints them.

A word is a run of letters/digits, joined across inner apostrophes, hyphens and decimal points
("don't", "air-naval", "3.5"), so counts match what a reader would call a word.
"""

import re
from collections.abc import Iterator

_WORD = re.compile(r"\w+(?:[-'’.,]\w+)*")


def iter_words(text: str) -> Iterator[str]:
    return (m.group() for m in _WORD.finditer(text))


def count_words(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))
