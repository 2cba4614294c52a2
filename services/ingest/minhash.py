"""Near-duplicate signature: MinHash over word 5-shingles.

Two articles' signatures agree in a fraction of positions that estimates the Jaccard similarity
of their shingle sets, so rewrites of one wire story find each other without comparing texts.
Each of the 64 positions is an independent 32-bit BLAKE2b hash (4 keyed digests of 64 bytes per
shingle), which is deterministic across processes and machines, unlike ``hash()``.
"""

import hashlib
import struct
from collections.abc import Sequence

from services.ingest.words import iter_words

NUM_HASHES = 64
SHINGLE_WORDS = 5

_DIGESTS = 4  # 64-byte BLAKE2b digests per shingle; 16 32-bit values each
_KEYS = tuple(f"newsflow-minhash-{i}".encode() for i in range(_DIGESTS))
_UNPACK = struct.Struct(f"<{NUM_HASHES}I").unpack  # fixed byte order: same values everywhere


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    """Case-folded word n-grams; a text shorter than ``size`` words is one shingle."""
    words = [w.casefold() for w in iter_words(text)]
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def _hashes(shingle: str) -> tuple[int, ...]:
    data = shingle.encode("utf-8")
    return _UNPACK(b"".join(hashlib.blake2b(data, key=key).digest() for key in _KEYS))


def signature(text: str) -> list[int]:
    """64 minimum hash values, or ``[]`` for a text without words."""
    found = shingles(text)
    if not found:
        return []
    return [min(column) for column in zip(*map(_hashes, found), strict=True)]


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of the texts behind two signatures (0 if either is empty)."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)
