"""Many watchlists compiled into lookups, so an article is matched against all of them at once.

Checking each watchlist in turn costs (watchlists x terms x article words). The index turns it
around: the article is read once (watch.article_view) and each of its words, entity keys, places,
source names and language is looked up in dicts built from every watchlist's terms, so the cost
follows the article's size and the hits, not the number of watchlists (figures: make bench-watch).
A watchlist is reported only when every group its query gives found something, with the same
terms, in the same order, as ``watch.match_query`` reports it alone.
"""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from services.gateway.corpus.keys import parse_entity
from services.gateway.monitor.watch import (
    EARTH_RADIUS_KM,
    ArticleView,
    Hit,
    Phrase,
    article_view,
    entity_hits,
    inside,
    matched_terms,
    phrase,
    place_hits,
)
from shared.models import ArticleResult
from shared.models.watchlists import MatchedTerm, PlaceArea, WatchQuery

ENTITIES, KEYWORDS, PLACES, SOURCES, LANGUAGE = 1, 2, 4, 8, 16

# Places are bucketed in cells of CELL_DEGREES of latitude and longitude; an area covering more
# than MAX_CELLS cells (about a 1,000 km radius at mid-latitudes) is checked for every place
# instead. Both bound memory, not quality: every candidate is checked by exact distance.
CELL_DEGREES = 2.0
MAX_CELLS = 256
_ROWS, _COLUMNS = int(180 / CELL_DEGREES), int(360 / CELL_DEGREES)
# Widens each area's cells a little, so rounding never leaves a place on its rim out.
_MARGIN_DEGREES = 0.01

Subscriber = tuple[str, str]  # (watchlist id, its term)


def groups_of(query: WatchQuery) -> int:
    return (
        (ENTITIES if query.entities or query.types else 0)
        | (KEYWORDS if query.keywords else 0)
        | (PLACES if query.places else 0)
        | (SOURCES if query.sources else 0)
        | (LANGUAGE if query.language is not None else 0)
    )


def cell_of(lat: float, lon: float) -> tuple[int, int]:
    row = min(_ROWS - 1, int((lat + 90) // CELL_DEGREES))
    return row, int((lon + 180) // CELL_DEGREES) % _COLUMNS


def cells(area: PlaceArea) -> list[tuple[int, int]] | None:
    """The grid cells a circle touches, or None when it is too wide to bucket."""
    reach = math.degrees(area.radius_km / EARTH_RADIUS_KM) + _MARGIN_DEGREES
    low, high = area.lat - reach, area.lat + reach
    if low <= -90 or high >= 90:  # around a pole: every longitude
        return None
    # The widest longitude a spherical cap reaches, when it holds no pole.
    ratio = math.sin(math.radians(reach)) / math.cos(math.radians(area.lat))
    if ratio >= 1:
        return None
    spread = math.degrees(math.asin(ratio)) + _MARGIN_DEGREES
    first_row, last_row = cell_of(low, 0)[0], cell_of(high, 0)[0]
    first_column = int((area.lon - spread + 180) // CELL_DEGREES)
    last_column = int((area.lon + spread + 180) // CELL_DEGREES)
    columns = min(_COLUMNS, last_column - first_column + 1)
    if (last_row - first_row + 1) * columns > MAX_CELLS:
        return None
    return [
        (row, (first_column + k) % _COLUMNS)
        for row in range(first_row, last_row + 1)
        for k in range(columns)
    ]


@dataclass
class WatchIndex:
    required: dict[str, int] = field(default_factory=dict)
    typed: dict[tuple[str, str], list[Subscriber]] = field(
        default_factory=lambda: defaultdict(list)
    )
    bare: dict[str, list[tuple[str, str, frozenset[str]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    types: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    # Keywords by their first two words (one-word ones by their word): keyed by the first word
    # alone, "the"- and "new"-phrases made 600 phrase checks per article at 1,000 watchlists.
    phrases: dict[tuple[str, ...], dict[Phrase, list[Subscriber]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    leads: set[str] = field(default_factory=set)  # first words of the phrases of 2+ words
    grid: dict[tuple[int, int], list[tuple[str, PlaceArea]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    wide: list[tuple[str, PlaceArea]] = field(default_factory=list)
    sources: dict[str, list[Subscriber]] = field(default_factory=lambda: defaultdict(list))
    languages: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def build(cls, watchlists: Iterable[tuple[str, WatchQuery]]) -> "WatchIndex":
        """Raises ValueError for a watchlist id given twice."""
        index = cls()
        for watchlist, query in watchlists:
            if watchlist in index.required:
                raise ValueError(f"watchlist {watchlist!r} given twice")
            index.add(watchlist, query)
        return index

    def add(self, watchlist: str, query: WatchQuery) -> None:
        self.required[watchlist] = groups_of(query)
        allowed = frozenset(query.types)
        for term in query.entities:
            kind, key = parse_entity(term)
            if kind is None:
                self.bare[key].append((watchlist, term, allowed))
            else:
                self.typed[kind, key].append((watchlist, term))
        if not query.entities:
            for kind in query.types:
                self.types[kind].append(watchlist)
        for term in query.keywords:
            wanted = phrase(term)
            if wanted.words:
                self.phrases[wanted.words[:2]][wanted].append((watchlist, term))
                if len(wanted.words) > 1:
                    self.leads.add(wanted.words[0])
        for area in query.places:
            covered = cells(area)
            if covered is None:
                self.wide.append((watchlist, area))
            for cell in covered or ():
                self.grid[cell].append((watchlist, area))
        for term in query.sources:
            self.sources[term].append((watchlist, term))
        if query.language is not None:
            self.languages[query.language].append(watchlist)

    def __len__(self) -> int:
        return len(self.required)

    def match(self, result: ArticleResult) -> dict[str, list[MatchedTerm]]:
        if not self.required:  # no active watchlists: skip reading the article into words
            return {}
        return self.match_view(article_view(result))

    def match_view(self, view: ArticleView) -> dict[str, list[MatchedTerm]]:
        """Watchlist id -> its matched terms, for the watchlists whose every group matched."""
        hits: dict[str, list[Hit]] = defaultdict(list)
        found: dict[str, int] = defaultdict(int)

        def add(watchlist: str, group: int, new: list[Hit]) -> None:
            hits[watchlist].extend(new)
            found[watchlist] |= group

        for kind, key, entity in view.entities:
            for watchlist, term in self.typed.get((kind, key), ()):
                add(watchlist, ENTITIES, entity_hits("entity", term, entity))
            for watchlist, term, allowed in self.bare.get(key, ()):
                if not allowed or kind in allowed:
                    add(watchlist, ENTITIES, entity_hits("entity", term, entity))
            for watchlist in self.types.get(kind, ()):
                add(watchlist, ENTITIES, entity_hits("type", kind, entity))
        for words in view.fields:
            last = len(words.words) - 1
            for at, word in enumerate(words.words):
                keys: list[tuple[str, ...]] = [(word,)]
                if word in self.leads and at < last:
                    keys.append((word, words.words[at + 1]))
                for lookup in keys:
                    for wanted, subscribers in self.phrases.get(lookup, {}).items():
                        if words.has(at, wanted):
                            for watchlist, term in subscribers:
                                add(watchlist, KEYWORDS, [words.hit(at, wanted, term)])
        for lat, lon, place in view.places:
            for watchlist, area in (*self.grid.get(cell_of(lat, lon), ()), *self.wide):
                if inside(area, lat, lon):
                    add(watchlist, PLACES, place_hits(area.term(), place))
        for key, text in view.sources.items():
            for watchlist, term in self.sources.get(key, ()):
                add(watchlist, SOURCES, [("source", term, text, None, None, None)])
        if view.language is not None:
            for watchlist in self.languages.get(view.language, ()):
                add(
                    watchlist,
                    LANGUAGE,
                    [("language", view.language, view.language, None, None, None)],
                )
        return {
            watchlist: matched_terms(hits[watchlist])
            for watchlist, groups in found.items()
            if groups == self.required[watchlist]
        }
