"""Stable keys for entities and places across articles: ``TYPE:slug`` and ``slug``.

The slug folds case and accents and joins word characters with hyphens, as extraction's entity
ids do for ASCII names, but keeps letters of every script, so "Владимир Путин" and "習近平" get
keys of their own instead of one shared placeholder.
"""

import re
import unicodedata

_WORD = re.compile(r"\w+")
_TYPE = re.compile(r"[A-Za-z_]{2,16}")
_APOSTROPHES = str.maketrans("", "", "'\u2019")
# Room for "WORK_OF_ART:" within the archive's key columns (tables.KEY_LENGTH, 255).
MAX_SLUG = 240


def slug(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "-".join(_WORD.findall(stripped.casefold()))[:MAX_SLUG]


def entity_key(entity_type: str, name: str) -> str:
    return f"{entity_type.upper()}:{slug(name)}"


def parse_entity(value: str) -> tuple[str | None, str]:
    """A query's ``entity``: ``TYPE:name`` or a bare name (any type), as (type, slug)."""
    kind, sep, rest = value.partition(":")
    if sep and _TYPE.fullmatch(kind):
        return kind.upper(), slug(rest)
    return None, slug(value)
