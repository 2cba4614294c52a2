"""Which spans of an article name places: the toponyms that geocoding then resolves.

Entity mentions typed GPE, LOC or FAC are toponyms, with their spans repaired; the other
entities contribute through rule groups (each switchable, "places.<group>", measured on LGL's
train half, docs/extraction.md):

- ``spans``: an abbreviation keeps its final period ("U.S.", "Ky.": entity mentions drop it);
  a mention joining two known places ("Hammond and East Chicago", "Logan-Rogersville",
  "Washington, D.C.") is two toponyms; a compass word before a known place that is not a place
  name as a whole leaves the place ("East Texas" -> "Texas", but "South Charleston" stays);
- ``demonyms``: a nationality word ("Russian", "Israelis") names its country;
- ``embedded``: a known place opening a longer name ("Ohio" in "Ohio Department of
  Transportation", "Henderson County" in "Henderson County Jail", "Texas" in "Texas-based",
  "Florida" in "Florida Highway Patrol", "Nashville" in "Metro Nashville Police") is a
  toponym, unless the next word makes the whole a place of its own ("Washington Drive");
- ``buildings``: a GPE/LOC/FAC name ending in a building word ("White House", "Hartford
  Hospital") is not a toponym itself; only a place inside it is, as for an ORG ("Hartford");
- ``retype``: an ORG, PERSON or PRODUCT entity whose every mention is exactly a known place is
  a toponym (a city read as its team or council, a town read as a person).

Beyond countries, counties and nationality words, a name counts only if the article supports
it (``Context``): a first-level region is one of a country the article names, a town or county
lies in a region the article's places are in (or is a city of >= 15,000 people, for ORG names).
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from services.extraction.gazetteer import Gazetteer, Location
from services.extraction.intervals import Intervals
from shared.models import Entity, Mention

PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
# Last words that make a place-typed name a building, which is not a toponym ("White House",
# "City Hall", "Hartford Hospital"): such a name counts only through a place inside it, as an
# ORG's does ("Hartford").
BUILDING_WORDS = frozenset(
    """house hall center centre building hospital church school college university library
    museum stadium arena hotel inn tower mall airport""".split()  # noqa: SIM905
)
_RETYPABLE = frozenset({"ORG", "PERSON", "PRODUCT", "NORP", "EVENT", "WORK_OF_ART"})
# Head words that make "<place> <word>" a place in its own right (a street, a water body ...),
# so the whole span, not the place inside it, is the toponym.
GEOGRAPHIC_HEADS = frozenset(
    """street st avenue ave road rd drive dr lane ln boulevard blvd way parkway pkwy highway hwy
    interstate route circle court ct place pl trail terrace square plaza pike turnpike bridge
    river creek lake lakes bay harbor harbour island islands valley mountain mountains mount
    hill hills ridge falls springs beach park forest canyon gulf sea ocean coast peninsula
    desert county parish heights estates station side end""".split()  # noqa: SIM905
)
# Head words that make "<place> <word>" a road only at the end of a name: with more words after
# them they name that place's agency ("Florida Highway Patrol"), and the place opens the name.
AGENCY_HEADS = frozenset({"highway", "hwy", "interstate", "route"})
COMPASS = frozenset(
    """north south east west northern southern eastern western central northeast northwest
    southeast southwest northeastern northwestern southeastern southwestern upper
    lower""".split()  # noqa: SIM905
)
MONTHS = frozenset(
    """january february march april may june july august september october november
    december""".split()  # noqa: SIM905
)
# Words that may open a name before the place it is about ("Western Pennsylvania Kennel
# Association", "Metro Nashville Police", "Downtown Cleveland Alliance").
OPENERS = COMPASS | {"the", "metro", "greater", "downtown"}
# Words after a place that make the name a local body or office of that place ("Athens Police
# Department", "Stamford Mayor Dan Malloy", "Kanawha Circuit Court"): the opening words are
# the place even when nothing else in the article locates it (places.civic).
CIVIC_WORDS = frozenset(
    """police fire sheriff mayor council councilman councilwoman selectman selectmen first
    city town village township borough municipal superior circuit district chancery probate
    public schools school health parks housing superintendent governor commissioner
    commissioners""".split()  # noqa: SIM905
)
# Words that end a place name inside an institution's name: "<place> County Sheriff".
_ADMIN_SUFFIXES = ("County", "Parish", "Borough", "Township")
# A first-level region this populous (its towns' sum, build_gazetteer.py) is known by name
# wherever the article is: "Kentucky Department of Education" in a story naming no place.
LARGE_REGION = 1_000_000
_MAX_ABBREVIATION = 6  # "W.Va", "N.Dak": longer words before a period end a sentence
_WORD = re.compile(r"[A-Za-z][\w'’.]*")
_JOINERS = re.compile(r"\s+and\s+|\s*[-–]\s*|,\s+")


@dataclass(frozen=True)
class Toponym:
    start: int
    end: int
    text: str
    entity: str | None  # the Entity.id this span is a mention of, if it is a whole mention
    # The place meant, when the words say it: the country of a nationality word, the county of
    # a county list.
    country: Location | None = None


@dataclass(frozen=True)
class Context:
    """Where the article's GPE/LOC names place it: first-level regions and countries."""

    regions: frozenset[tuple[str | None, str]]
    countries: frozenset[str | None]

    @classmethod
    def of(cls, entities: Iterable[Entity], gazetteer: Gazetteer) -> "Context":
        regions, countries = set(), set()
        for e in entities:
            if e.type in PLACE_TYPES:
                loc = gazetteer.lookup(e.name)
                if loc is not None:
                    countries.add(loc.country_code)
                    if loc.admin1:
                        regions.add((loc.country_code, loc.admin1))
        return cls(frozenset(regions), frozenset(countries))

    @classmethod
    def of_places(cls, places: Iterable[Location | None]) -> "Context":
        """Where the article's resolved places are."""
        located = [p for p in places if p is not None]
        return cls(
            frozenset((p.country_code, p.admin1) for p in located if p.admin1),
            frozenset(p.country_code for p in located),
        )

    def supports(self, loc: Location) -> bool:
        if loc.feature == "country":
            return True
        if loc.feature == "admin1":  # a region of a country the article names, or a large one
            return loc.country_code in self.countries or loc.population >= LARGE_REGION
        if loc.feature == "admin2" and loc.name.endswith(_ADMIN_SUFFIXES):
            return True  # "Henderson County" names a county whatever the article says
        return (loc.country_code, loc.admin1) in self.regions


def _repair_period(text: str, start: int, end: int, gazetteer: Gazetteer) -> int:
    """The end of an abbreviation with its final period ("U.S", "Ky" -> "U.S.", "Ky.")."""
    if end >= len(text) or text[end] != "." or end - start > _MAX_ABBREVIATION:
        return end
    if "." in text[start:end] or gazetteer.abbreviation(text[start : end + 1]) is not None:
        return end + 1
    return end


def _split_joined(text: str, start: int, end: int, gazetteer: Gazetteer) -> list[tuple[int, int]]:
    """ "Hammond and East Chicago" -> two spans, when every part is a known place and the whole
    is not; "East Texas" -> "Texas"."""
    span = text[start:end]
    if gazetteer.candidates(span):
        return [(start, end)]
    parts: list[tuple[int, int]] = []
    at = 0
    for m in _JOINERS.finditer(span):
        parts.append((at, m.start()))
        at = m.end()
    parts.append((at, len(span)))
    if len(parts) >= 2 and all(gazetteer.candidates(span[a:b]) for a, b in parts):
        return [(start + a, start + b) for a, b in parts if b > a]
    first, _, rest = span.partition(" ")
    if first.lower() in COMPASS and rest and gazetteer.candidates(rest, alternates=False):
        return [(end - len(rest), end)]
    return [(start, end)]


def _embedded(
    text: str, start: int, end: int, gazetteer: Gazetteer, context: Context, civic: bool = False
) -> tuple[int, int] | None:
    """The longest run of words opening ``text[start:end]`` that names a place the article
    supports, when the words after it do not make the whole a place ("Ohio Department of ..."
    -> "Ohio")."""
    words = [(start + m.start(), start + m.end()) for m in _WORD.finditer(text[start:end])]
    found = _opening(text, words, gazetteer, context, civic)
    if found is None and words and text[words[0][0] : words[0][1]].lower() in OPENERS:
        # "Western Pennsylvania Kennel Association" -> "Pennsylvania", "Metro Nashville" ->
        # "Nashville"; "West Virginia ..." was found whole above.
        found = _opening(text, words[1:], gazetteer, context, civic)
    return found or _after_of(text, start, end, gazetteer, context)


def _opening(
    text: str,
    words: list[tuple[int, int]],
    gazetteer: Gazetteer,
    context: Context,
    civic: bool = False,
) -> tuple[int, int] | None:
    """The longest run of ``words`` (all but the last) opening them that names a place; with
    ``civic``, any place of the gazetteer when a CIVIC_WORDS word follows it."""
    for n in range(len(words) - 1, 0, -1):
        s, e = words[0][0], words[n - 1][1]
        name = text[s:e]
        if text[e : words[n][0]].strip() not in ("", "-", "–") or not name[0].isupper():
            continue
        rest = text[words[n][0] : words[n][1]].rstrip(".").lower()
        agency = rest in AGENCY_HEADS and n + 1 < len(words)
        if rest in GEOGRAPHIC_HEADS and not name.endswith(_ADMIN_SUFFIXES) and not agency:
            continue
        if name.lower() in COMPASS:
            continue
        if gazetteer.demonym(name) is not None:
            return s, e
        found = gazetteer.candidates(name, alternates=False)
        if any(context.supports(loc) for loc in found):
            return s, e
        if civic and rest in CIVIC_WORDS and any(loc.feature != "water" for loc in found):
            return s, e
    return None


# Words after a town that say it is one: "Hanover police", "Chicopee residents".
_LOCAL_CUE = re.compile(r"\s+(?:police|residents|officials)\b")
_LOCATIVE = re.compile(r"\b(?:in|near|from|outside|to|of)\s+$", re.IGNORECASE)
_OF = re.compile(r"\s(?:of|in)\s+(?:the\s+)?")


def _after_of(
    text: str, start: int, end: int, gazetteer: Gazetteer, context: Context
) -> tuple[int, int] | None:
    """The place closing a name after "of" or "in": "University of Pennsylvania", "Cathedral
    in Decatur" -> the place, when the article supports it."""
    found = list(_OF.finditer(text, start, end))
    if not found:
        return None
    s = found[-1].end()
    name = text[s:end]
    if not name[:1].isupper():
        return None
    if any(context.supports(loc) for loc in gazetteer.candidates(name, alternates=False)):
        return s, end
    return None


def find_toponyms(
    entities: Iterable[Entity],
    text: str,
    gazetteer: Gazetteer,
    disabled: frozenset[str] = frozenset(),
    context: "Context | None" = None,
) -> list[Toponym]:
    """Every toponym span, in text order, without overlaps (an earlier, longer span wins).
    ``context`` defaults to where the GPE/LOC names' most likely places are."""
    entities = list(entities)
    context = context or Context.of(entities, gazetteer)
    found: list[Toponym] = []
    person_words: dict[str, set[str]] = {}  # word -> the PERSON entities with it in a full name
    for person in entities:
        if person.type == "PERSON":
            for m in person.mentions:
                if " " in m.text:
                    for w in m.text.split():
                        person_words.setdefault(w.lower(), set()).add(person.id)

    def add(start: int, end: int, entity: str | None, country: Location | None = None) -> None:
        if "places.spans" not in disabled:
            end = _repair_period(text, start, end, gazetteer)
        found.append(Toponym(start, end, text[start:end], entity, country))

    civic = "places.civic" not in disabled

    def add_embedded(start: int, end: int) -> bool:
        inner = _embedded(text, start, end, gazetteer, context, civic)
        if inner is None:
            return False
        country = gazetteer.demonym(text[inner[0] : inner[1]])
        if country is not None and "places.demonyms" in disabled:
            return False
        add(*inner, None, country)
        return True

    buildings = "places.buildings" not in disabled
    for entity in entities:
        if entity.type in PLACE_TYPES and not (buildings and _building(entity)):
            for m in entity.mentions:
                spans = [(m.start, m.end)]
                if "places.spans" not in disabled:
                    spans = _split_joined(text, m.start, m.end, gazetteer)
                whole_unknown = spans == [(m.start, m.end)] and not gazetteer.candidates(m.text)
                embed = whole_unknown and "places.embedded" not in disabled
                if embed and add_embedded(m.start, m.end):
                    continue
                for s, e in spans:
                    add(s, e, entity.id if (s, e) == (m.start, m.end) else None)
            continue
        country = gazetteer.demonym(entity.name) if entity.type == "NORP" else None
        if country is not None:
            if "places.demonyms" not in disabled:
                for m in entity.mentions:
                    add(m.start, m.end, entity.id, country)
            continue
        retype = entity.type in _RETYPABLE and "places.retype" not in disabled
        if retype and _retypable(entity, entity.mentions, text, gazetteer, person_words, context):
            for m in entity.mentions:
                add(m.start, m.end, entity.id)
            continue
        for m in entity.mentions:
            # A short form folded into a longer name ("Huntsville" into "Huntsville Police
            # Department") may be the place itself.
            short = retype and m.text != entity.name
            if short and _retypable(entity, [m], text, gazetteer, person_words, context):
                add(m.start, m.end, None)
                continue
            if "places.embedded" not in disabled:
                if entity.type == "PERSON" and not _civic_name(m.text, civic):
                    continue  # "Lincoln" of "Lincoln Chafee": only "X County Sheriff ..."
                add_embedded(m.start, m.end)
    if "places.untyped" not in disabled:
        covered = Intervals((m.start, m.end) for e in entities for m in e.mentions)
        patterns = "places.patterns" not in disabled
        found.extend(_untyped(text, gazetteer, context, covered, patterns))
    if "places.counties" not in disabled:  # first: they win over the same span read otherwise
        found = _county_lists(text, gazetteer, context) + found
    return _without_overlaps(found)


_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*\b|\b[A-Z]{3,}(?: [A-Z]{3,})*\b")
# After an all-caps place: an optional ", State" (abbreviated or not), an optional agency in
# parentheses, and a dash ("CARTHAGE, N.C. (AP) -", "COLUMBIA --- ").
_DATELINE = re.compile(
    r"\s*(?:, ?[A-Z][\w.]*(?: [A-Z][\w.]*)?)?\s*(?:\([A-Za-z.]+\)\s*)?(?:—|–|-{1,3})\s"
)
_SENTENCE_END = re.compile(r"(?:^|[.!?:;\"“”]|\n)\s*$")


_COUNTIES = re.compile(r"\s(?:counties|parishes)\b")
_LIST_NAME = r"[A-Z][\w'’.]*(?: [A-Z][\w'’.]*){0,2}"
_COUNTY_LIST = re.compile(
    rf"(?<![\w'’.])({_LIST_NAME}(?:(?:, (?:and |or )?| and | or ){_LIST_NAME})*)$"
)
_LIST_SEPARATOR = re.compile(r", (?:and |or )?| and | or ")
_MAX_LIST = 300  # characters before "counties" a list may take


def _county_lists(text: str, gazetteer: Gazetteer, context: Context) -> list[Toponym]:
    """Each name of a list closed by "counties" ("Navarro, Henderson and Ellis counties") is
    the county "<name> County" (or Parish) of the gazetteer: the one the article's regions
    support, else the most populous."""
    found = []
    for m in _COUNTIES.finditer(text):
        head = m.group().strip().lower()
        suffix = "Parish" if head == "parishes" else "County"
        listed = _COUNTY_LIST.search(text, max(0, m.start() - _MAX_LIST), m.start())
        if listed is None:
            continue
        at = listed.start()
        parts = []
        for part in _LIST_SEPARATOR.split(listed.group()):
            start = text.index(part, at)
            at = start + len(part)
            counties = [
                c for c in gazetteer.candidates(f"{part} {suffix}") if c.feature == "admin2"
            ]
            if counties:
                parts.append((start, at, part, counties))
        # A list's counties are mostly of one state: the one most parts have a county in.
        states = Counter(k for p in parts for k in {(c.country_code, c.admin1) for c in p[3]})
        for start, end, part, counties in parts:
            best = max(
                counties,
                key=lambda c: (context.supports(c), states[(c.country_code, c.admin1)], c.prior),
            )
            found.append(Toponym(start, end, part, None, best))
    return found


def _untyped(
    text: str,
    gazetteer: Gazetteer,
    context: Context,
    covered: Intervals,
    patterns: bool = False,
) -> list[Toponym]:
    """Capitalised names no entity covers that name a place the article supports (a town in
    a region the article names), after a locative preposition ("in Hurricane", "Jane Roe of
    Hurricane"), or any town of the gazetteer as an all-caps dateline ("HURRICANE, W.Va. (AP)
    -"). With ``patterns`` (places.patterns), also a major town or one the article supports
    before "police" or "residents" ("Hanover police"), a state's abbreviation after "<Town>, "
    or a party letter ("Kansas City, Kan.", "D-S.C."), see _qualifiers, and a supported town
    after a party letter ("D-Charleston"), see _party_towns."""
    found = []
    for m in _CAPITALISED.finditer(text):
        if covered.overlaps(m.start(), m.end()):
            continue
        name = m.group()
        if name.lower() in MONTHS:
            continue  # "in March" is a date, not the town in Cambridgeshire
        dateline = name.isupper() and _DATELINE.match(text, m.end()) is not None
        located = _LOCATIVE.search(text, max(0, m.start() - 12), m.start()) is not None
        cued = patterns and _LOCAL_CUE.match(text, m.end()) is not None
        if cued:
            candidates = gazetteer.candidates(name, alternates=False)
            if any(c.feature == "city" and (c.major or context.supports(c)) for c in candidates):
                found.append(Toponym(m.start(), m.end(), name, None))
            continue
        if not (dateline or located) or (
            not dateline and _SENTENCE_END.search(text, max(0, m.start() - 3), m.start())
        ):
            continue
        candidates = gazetteer.candidates(name, alternates=False)
        if any(
            (c.feature == "city" and dateline) or (c.feature != "country" and context.supports(c))
            for c in candidates
        ):
            found.append(Toponym(m.start(), m.end(), name, None))
    if patterns:
        found.extend(_qualifiers(text, gazetteer, covered))
        found.extend(_party_towns(text, gazetteer, context, covered))
    return found


# After a town and a comma, or a party letter ("Rep. Nick Rahall, D-W.Va."): a state.
_QUALIFIER = re.compile(
    r"(?:(?<=[A-Za-z], )|(?<=\b[DRI]-))([A-Z][a-z]{0,4}\.(?: ?[A-Z][a-z]{0,3}\.)*)"
)


def _qualifiers(text: str, gazetteer: Gazetteer, covered: Intervals) -> list[Toponym]:
    """Abbreviations of first-level regions ("Kan.", "S.C.", "D.C.") after "<Town>, " or
    "D-"/"R-" that no entity covers."""
    found = []
    for m in _QUALIFIER.finditer(text):
        if covered.overlaps(m.start(), m.end()):
            continue
        if gazetteer.abbreviation(m.group()) is not None or any(
            c.feature == "admin1" or c.capital for c in gazetteer.candidates(m.group())[:1]
        ):
            found.append(Toponym(m.start(), m.end(), m.group(), None))
    return found


# A legislator's home town after the party letter ("Rep. Jane Roe, D-Charleston,").
_PARTY_TOWN = re.compile(r"\b[DRI]-([A-Z][a-z]+(?: [A-Z][a-z]+)?)(?=[,)])")


def _party_towns(
    text: str, gazetteer: Gazetteer, context: Context, covered: Intervals
) -> list[Toponym]:
    """Towns of the article's regions after a party letter that no entity covers."""
    found = []
    for m in _PARTY_TOWN.finditer(text):
        if covered.overlaps(m.start(1), m.end(1)):
            continue
        candidates = gazetteer.candidates(m.group(1), alternates=False)
        if any(c.feature == "city" and context.supports(c) for c in candidates):
            found.append(Toponym(m.start(1), m.end(1), m.group(1), None))
    return found


def _building(entity: Entity) -> bool:
    """Called for GPE/LOC/FAC names: the tagger types "White House" LOC as often as FAC."""
    return entity.name.split()[-1].lower() in BUILDING_WORDS


def _civic_name(name: str, civic: bool) -> bool:
    """Whether a PERSON name may open with a place: "X County Sheriff ...", and with ``civic``
    "Athens Mayor Randy Daniel" (a CIVIC_WORDS word after a capitalised first word)."""
    words = name.split()
    if _ADMIN_SUFFIXES[0] in words:
        return True
    return civic and any(w.lower() in CIVIC_WORDS and w[:1].isupper() for w in words[1:])


def _retypable(
    entity: Entity,
    mentions: list[Mention],
    text: str,
    gazetteer: Gazetteer,
    person_words: dict[str, set[str]],
    context: Context,
) -> bool:
    """Whether these mentions of a non-place entity, all one name, name a place."""
    names = {m.text for m in mentions}
    if len(names) != 1:
        return False
    name = names.pop()
    candidates = gazetteer.candidates(name, alternates=False)
    if not candidates or not name[:1].isupper():
        return False
    if name.endswith(_ADMIN_SUFFIXES):
        return True
    # A surname of a person named in the article ("Clinton" of "Bill Clinton"); a whole name
    # that is a place ("Sioux Falls") does not count against itself.
    own = {entity.id} if name == entity.name else set()
    if any(person_words.get(w.lower(), set()) - own for w in name.split()):
        return False
    if any(context.supports(loc) for loc in candidates):
        return True
    if not any(loc.major for loc in candidates) or (name.isupper() and len(name) <= 4):
        return False  # "NICE" is an acronym, not Nice
    if entity.type != "PERSON" and len(mentions) == len(entity.mentions):
        return True
    # A person's one-word name, or a short form of a longer name ("Bell" of "Bell Gardens
    # Police"), matches some city too often: a locative preposition must say so.
    return any(_LOCATIVE.search(text, max(0, m.start - 12), m.start) for m in mentions)


def _without_overlaps(toponyms: list[Toponym]) -> list[Toponym]:
    kept: list[Toponym] = []
    for t in sorted(toponyms, key=lambda t: (t.start, -(t.end - t.start))):
        if kept and t.start < kept[-1].end:
            continue
        kept.append(t)
    return kept
