"""Stable keys for entities and places across articles: ``TYPE:slug`` and ``slug``, the slug
being extraction's (shared/slugs.py), cut to fit the archive's key columns."""

import re

from shared import slugs

_TYPE = re.compile(r"[A-Za-z_]{2,16}")
# Room for "WORK_OF_ART:" within the archive's key columns (tables.KEY_LENGTH, 255).
MAX_SLUG = 240


def slug(name: str) -> str:
    return slugs.slug(name)[:MAX_SLUG]


def entity_key(entity_type: str, name: str) -> str:
    return f"{entity_type.upper()}:{slug(name)}"


def parse_entity(value: str) -> tuple[str | None, str]:
    """A query's ``entity``: ``TYPE:name`` or a bare name (any type), as (type, slug)."""
    kind, sep, rest = value.partition(":")
    if sep and _TYPE.fullmatch(kind):
        return kind.upper(), slug(rest)
    return None, slug(value)
