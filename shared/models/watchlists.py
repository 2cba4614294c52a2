"""Watchlists and their alerts: a saved query, matched once against each newly archived article.

Shared by the gateway's routes, its matcher (services/gateway/monitor/watch.py) and the CLI, so all
read one contract.
"""

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_TERMS = 100  # per list: a watchlist is a few dozen names, not a dictionary
MAX_RADIUS_KM = 20_000.0  # half the Earth's circumference: any larger circle is the whole globe

MatchKind = Literal["entity", "keyword", "place", "source", "type", "language"]

_WORD = re.compile(r"\w")
_TYPE = re.compile(r"[A-Za-z_]{2,16}")

EntityTerm = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        description="an entity key (PERSON:xi-jinping; a name after the colon is slugged) "
        "or a bare name (any type)",
    ),
]
Keyword = Annotated[str, Field(min_length=1, max_length=200)]
EntityType = Annotated[
    str, Field(pattern=r"^[A-Za-z_]{2,16}$", description="PERSON, ORG, GPE, LOC, NORP, ...")
]
SourceTerm = Annotated[
    str,
    Field(
        min_length=1,
        max_length=253,
        description="a source name or a host (a subdomain matches too); a URL counts as its host",
    ),
]


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def entity_type_of(term: str) -> str | None:
    """The type an entity term names (``PERSON:...``), None for a bare name: as corpus keys do."""
    kind, sep, _ = term.partition(":")
    return kind.upper() if sep and _TYPE.fullmatch(kind) else None


def source_term(value: str) -> str:
    """Case-folded, a URL cut to its host, ``www.`` dropped: how sources and hosts compare."""
    text = value.strip().casefold()
    if "://" in text:
        text = urlsplit(text).hostname or ""
    text = text.rstrip(".")
    return text.removeprefix("www.")


class PlaceArea(BaseModel):
    """A circle on the globe: an article matches when one of its resolved places lies inside."""

    model_config = ConfigDict(extra="forbid")

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_km: float = Field(gt=0, le=MAX_RADIUS_KM, description="great-circle distance")
    label: str | None = Field(
        None, max_length=200, description="shown in alerts instead of lat/lon"
    )

    def term(self) -> str:
        return self.label or f"{self.lat:.4f},{self.lon:.4f} within {self.radius_km:g} km"


class WatchQuery(BaseModel):
    """What a watchlist looks for. Every group given must match (AND); any item of a group does
    (OR). The groups: the entity group (``entities`` and ``types``), ``keywords``, ``places``,
    ``sources`` and ``language``.

    ``types`` belongs to the entity group, as ``type`` does in the corpus search: with
    ``entities``, it narrows them (a bare name counts only as an entity of those types, and a
    typed key outside them is refused as a contradiction); alone, it means "any entity of these
    types". Keywords are words or phrases matched whole-word and case-insensitively in the title
    and the text; the words of a phrase may be split by any whitespace (line breaks too), but
    punctuation inside it must be there ("COVID-19" does not match "covid 19"), and punctuation
    at its ends is ignored. Chinese and Japanese characters are words of their own, so a name
    written in them matches inside a longer run.
    """

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "entities": ["PERSON:ali-khamenei", "ORG:iaea"],
                    "keywords": ["uranium enrichment", "Natanz"],
                    "places": [{"lat": 35.69, "lon": 51.39, "radius_km": 500, "label": "Tehran"}],
                    "language": "en",
                },
                {"types": ["ORG"], "sources": ["reuters.com"], "keywords": ["recall"]},
            ]
        },
    )

    entities: list[EntityTerm] = Field(default_factory=list, max_length=MAX_TERMS)
    types: list[EntityType] = Field(
        default_factory=list,
        max_length=MAX_TERMS,
        description="with entities, narrows them; alone, any entity of these types",
    )
    keywords: list[Keyword] = Field(
        default_factory=list,
        max_length=MAX_TERMS,
        description="words or phrases: whole-word, case-insensitive, in the title or text",
    )
    places: list[PlaceArea] = Field(default_factory=list, max_length=MAX_TERMS)
    sources: list[SourceTerm] = Field(
        default_factory=list, max_length=MAX_TERMS, description="source names or hosts"
    )
    language: str | None = Field(None, pattern=r"^[a-z]{2}$", description="ISO 639-1")

    @field_validator("entities", "keywords")
    @classmethod
    def _wordy(cls, values: list[str]) -> list[str]:
        """A term without a letter or digit could never match a word, so it is refused."""
        for value in values:
            if not _WORD.search(value):
                raise ValueError(f"{value!r} has no letter or digit to match")
        return _distinct([unicodedata.normalize("NFC", v) for v in values])

    @field_validator("types")
    @classmethod
    def _upper(cls, values: list[str]) -> list[str]:
        return _distinct([v.upper() for v in values])

    @field_validator("sources")
    @classmethod
    def _hosts(cls, values: list[str]) -> list[str]:
        terms = [source_term(v) for v in values]
        if not all(terms):
            raise ValueError("a source must be a name or a host")
        return _distinct(terms)

    @field_validator("language", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _criteria(self) -> "WatchQuery":
        given = (self.entities, self.types, self.keywords, self.places, self.sources)
        if not any(given) and self.language is None:
            raise ValueError(
                "a watch query needs at least one criterion: entities, types, keywords, places, "
                "sources or language"
            )
        if self.types:
            allowed = set(self.types)
            for term in self.entities:
                kind = entity_type_of(term)
                if kind is not None and kind not in allowed:
                    raise ValueError(
                        f"{term!r} is a {kind}, which types ({', '.join(self.types)}) excludes"
                    )
        return self


class WatchlistCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "name": "Iran nuclear programme",
                    "query": {"entities": ["ORG:iaea"], "keywords": ["uranium enrichment"]},
                    "webhook_url": "https://hooks.example.com/newsflow",
                }
            ]
        },
    )

    name: str = Field(min_length=1, max_length=200)
    query: WatchQuery
    webhook_url: AnyHttpUrl | None = Field(None, description="POSTed each alert as JSON")
    active: bool = Field(True, description="an inactive watchlist raises no alerts")


class WatchlistPatch(BaseModel):
    """Only the fields given change; a new ``query`` replaces the old one whole."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, min_length=1, max_length=200)
    query: WatchQuery | None = None
    webhook_url: AnyHttpUrl | None = None
    active: bool | None = None


class Watchlist(BaseModel):
    """A saved watchlist as the API answers it (its owner stays in the store)."""

    id: str
    name: str
    query: WatchQuery
    webhook_url: AnyHttpUrl | None = None
    active: bool
    created_at: datetime
    updated_at: datetime


class WatchlistPage(BaseModel):
    items: list[Watchlist]
    next_cursor: str | None = Field(None, description="pass as cursor= for the next page")


class MatchedTerm(BaseModel):
    """One place the article matched one of the watchlist's terms."""

    kind: MatchKind
    term: str = Field(description="the watchlist's term (a place's label or its centre)")
    text: str = Field(description="what matched in the article: its words, name, source or host")
    field: Literal["text", "title"] | None = Field(
        None, description="what start and end index: document.text or document.title"
    )
    start: int | None = Field(None, ge=0, description="offset into field; null for source/language")
    end: int | None = Field(None, ge=0, description="exclusive")


class Alert(BaseModel):
    id: str
    watchlist_id: str
    article_id: str
    run_id: str
    title: str | None
    summary: str = Field(description="the article's summary sentences, joined")
    matched: list[MatchedTerm] = Field(description="in the order they occur, title first")
    created_at: datetime
    delivered_at: datetime | None = Field(None, description="when the webhook accepted it")


class AlertPage(BaseModel):
    items: list[Alert]
    next_cursor: str | None = Field(None, description="pass as cursor= for the next page")
