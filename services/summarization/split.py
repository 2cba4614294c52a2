"""A fixed half of a labelled set to choose parameters on, the other held out, chosen by id."""

import hashlib
from typing import Literal

Half = Literal["train", "heldout"]


def half_of(article_id: str) -> Half:
    """Stable across runs, machines and file orders (unlike ``hash`` or a shuffled index)."""
    digest = hashlib.sha256(article_id.encode("utf-8")).digest()
    return "train" if digest[0] % 2 == 0 else "heldout"


def in_half(article_id: str, half: str) -> bool:
    return half == "all" or half_of(article_id) == half
