"""Matching an article against watch queries: the article read once, then each query checked.

``article_view`` reads what every query needs of a finished article (its words, entity keys,
places, source and host, language) once. ``match_query`` checks one query against that view the
plain way, term by term: the reference that ``WatchIndex`` (watch_index.py) must agree with, and
what a single query's preview needs. Pure: no I/O.
"""

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from urllib.parse import urlsplit

from services.gateway.corpus.keys import parse_entity, slug
from shared.models import ArticleResult, Entity, Place
from shared.models.watchlists import MatchedTerm, MatchKind, PlaceArea, WatchQuery, source_term

EARTH_RADIUS_KM = 6371.0088  # the IUGG mean radius


def _mark_ranges() -> str:
    """Combining marks (Mn, Mc, Me) as a character class body: they belong to the word they sit
    on (Devanagari vowel signs, decomposed accents), which ``\\w`` alone would split."""
    marks = [c for c in range(0x20000) if unicodedata.category(chr(c)) in {"Mn", "Mc", "Me"}]
    ranges: list[tuple[int, int]] = []
    for code in marks:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "".join(
        re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges
    )


# Scripts written without spaces between words: each of their characters is a word of its own,
# so "習近平" matches inside "習近平主席" (kana, CJK ideographs and their extensions).
_HAN = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
# Marks only continue a word: as one class with \w, the scan took three times as long.
_TOKEN = re.compile(f"\\w+(?:[{_mark_ranges()}]+\\w*)*")
_HAN_CHAR = re.compile(f"[{_HAN}]")
_HAN_PIECES = re.compile(f"[{_HAN}]|[^{_HAN}]+")

# (kind, the watchlist's term, the matched text, field, start, end): a MatchedTerm to be.
Hit = tuple[MatchKind, str, str, str | None, int | None, int | None]
_FIELD_ORDER = {"title": 0, "text": 1, None: 2}


def words(text: str) -> list[tuple[str, int, int]]:
    """The text's words, case-folded, with their offsets."""
    han = _HAN_CHAR.search(text) is not None
    out: list[tuple[str, int, int]] = []
    for match in _TOKEN.finditer(text):
        word, start = match.group(), match.start()
        if han and _HAN_CHAR.search(word):
            for piece in _HAN_PIECES.finditer(word):
                out.append((piece.group().casefold(), start + piece.start(), start + piece.end()))
        else:
            out.append((word.casefold(), start, match.end()))
    return out


def gap_key(gap: str) -> str:
    """What must sit between two words of a phrase: nothing, any whitespace (" "), or the same
    punctuation, whitespace around it aside."""
    if not gap:
        return ""
    return "".join(gap.split()) or " "


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    gaps: tuple[str, ...]


def phrase(keyword: str) -> Phrase:
    found = words(unicodedata.normalize("NFC", keyword))
    gaps = tuple(gap_key(keyword[a[2] : b[1]]) for a, b in pairwise(found))
    return Phrase(tuple(w for w, _, _ in found), gaps)


@dataclass(frozen=True)
class FieldWords:
    """One field's words: ``name`` is "title" or "text", offsets index ``text``."""

    name: str
    text: str
    words: list[str]
    starts: list[int]
    ends: list[int]

    def has(self, at: int, wanted: Phrase) -> bool:
        """Whether ``wanted`` starts at word ``at`` (its first word already equal or not)."""
        size = len(wanted.words)
        if self.words[at] != wanted.words[0] or at + size > len(self.words):
            return False
        if size > 1 and tuple(self.words[at : at + size]) != wanted.words:
            return False
        return all(
            gap_key(self.text[self.ends[at + k] : self.starts[at + k + 1]]) == gap
            for k, gap in enumerate(wanted.gaps)
        )

    def hit(self, at: int, wanted: Phrase, term: str) -> Hit:
        start, end = self.starts[at], self.ends[at + len(wanted.words) - 1]
        return ("keyword", term, self.text[start:end], self.name, start, end)


def field_words(name: str, text: str) -> FieldWords:
    found = words(text)
    return FieldWords(
        name, text, [w for w, _, _ in found], [s for _, s, _ in found], [e for _, _, e in found]
    )


@dataclass(frozen=True)
class ArticleView:
    """What watch queries read of one article, read once."""

    fields: tuple[FieldWords, ...]
    entities: tuple[tuple[str, str, Entity], ...]  # (TYPE, slug, entity)
    places: tuple[tuple[float, float, Place], ...]  # resolved places only
    sources: dict[str, str]  # source name or host (and each parent domain) -> the article's
    language: str | None


def _sources(result: ArticleResult) -> dict[str, str]:
    document = result.document
    out: dict[str, str] = {}
    url = (document.url if document else None) or result.url
    host = (urlsplit(url).hostname or "") if url else ""
    if host:
        labels = source_term(host).split(".")
        for k in range(len(labels)):
            out[".".join(labels[k:])] = host
    if document and document.source and source_term(document.source):
        out[source_term(document.source)] = document.source
    return out


def article_view(result: ArticleResult) -> ArticleView:
    document, extraction = result.document, result.extraction
    fields: list[FieldWords] = []
    if document and document.title:
        fields.append(field_words("title", document.title))
    if document:
        fields.append(field_words("text", document.text))
    entities = tuple(
        (e.type.upper(), slug(e.name), e) for e in (extraction.entities if extraction else [])
    )
    places = tuple(
        (p.latitude, p.longitude, p)
        for p in (extraction.places if extraction else [])
        if p.latitude is not None and p.longitude is not None
    )
    language = document.language.lower() if document and document.language else None
    return ArticleView(tuple(fields), entities, places, _sources(result), language)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def inside(area: PlaceArea, lat: float, lon: float) -> bool:
    return distance_km(area.lat, area.lon, lat, lon) <= area.radius_km


def entity_hits(kind: MatchKind, term: str, entity: Entity) -> list[Hit]:
    if not entity.mentions:
        return [(kind, term, entity.name, None, None, None)]
    return [(kind, term, m.text, "text", m.start, m.end) for m in entity.mentions]


def place_hits(term: str, place: Place) -> list[Hit]:
    if not place.mentions:
        return [("place", term, place.name, None, None, None)]
    return [("place", term, m.text, "text", m.start, m.end) for m in place.mentions]


def matched_terms(hits: Iterable[Hit]) -> list[MatchedTerm]:
    """The hits as an alert lists them: title first, then in text order; each once."""
    ordered = sorted(
        set(hits),
        key=lambda h: (_FIELD_ORDER[h[3]], -1 if h[4] is None else h[4], h[5] or 0, h[0], h[1]),
    )
    return [
        MatchedTerm(kind=kind, term=term, text=text, field=field, start=start, end=end)
        for kind, term, text, field, start, end in ordered
    ]


def _entity_group(query: WatchQuery, view: ArticleView) -> list[Hit]:
    hits: list[Hit] = []
    allowed = set(query.types)
    wanted = [(term, *parse_entity(term)) for term in query.entities]
    for kind, key, entity in view.entities:
        if allowed and kind not in allowed:
            continue
        if not wanted:
            hits.extend(entity_hits("type", kind, entity))
        for term, wanted_kind, wanted_slug in wanted:
            if wanted_slug == key and wanted_kind in (None, kind):
                hits.extend(entity_hits("entity", term, entity))
    return hits


def _keyword_group(query: WatchQuery, view: ArticleView) -> list[Hit]:
    hits: list[Hit] = []
    for term in query.keywords:
        wanted = phrase(term)
        for field in view.fields:
            hits.extend(
                field.hit(at, wanted, term)
                for at in range(len(field.words))
                if field.has(at, wanted)
            )
    return hits


def match_query(query: WatchQuery, view: ArticleView) -> list[MatchedTerm] | None:
    """The query's matched terms, or None when a group it gives found nothing."""
    groups: list[list[Hit]] = []
    if query.entities or query.types:
        groups.append(_entity_group(query, view))
    if query.keywords:
        groups.append(_keyword_group(query, view))
    if query.places:
        groups.append(
            [
                hit
                for area in query.places
                for lat, lon, place in view.places
                if inside(area, lat, lon)
                for hit in place_hits(area.term(), place)
            ]
        )
    if query.sources:
        groups.append(
            [
                ("source", t, view.sources[t], None, None, None)
                for t in query.sources
                if t in view.sources
            ]
        )
    if query.language is not None:
        same = query.language == view.language
        groups.append(
            [("language", query.language, query.language, None, None, None)] if same else []
        )
    if not all(groups):
        return None
    return matched_terms(hit for group in groups for hit in group)
