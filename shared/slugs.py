"""One slug for a name wherever names become keys: extraction's entity ids and the archive's
entity, place and keyphrase keys, so an id in an article's result and a key in a corpus query
agree.

Case, accents and apostrophes fold away ("People’s" = "Peoples", "São" = "Sao") and word
characters join with hyphens, keeping letters of every script: "Владимир Путин" and "習近平" get
slugs of their own, where an ASCII fold would leave them all one empty placeholder.
"""

import re
import unicodedata

_WORD = re.compile(r"\w+")
_APOSTROPHES = str.maketrans("", "", "'\u2019")


def fold(text: str) -> str:
    """Case-folded, without accents (combining marks after NFKD) or apostrophes."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def slug_words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def slug(name: str) -> str:
    """Empty for a name with no word characters; callers that need a key say what stands in."""
    return "-".join(slug_words(name))
