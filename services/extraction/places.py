"""Offline geocoding: the article's toponyms (toponyms.py), each resolved to a place of the
gazetteer (gazetteer.py) in the light of the article's other places (resolve.py), twice: the
second pass judges names by the regions the first pass resolved (``places.second_pass``).

One Place per place the article names: the mentions of "U.S." and "United States" (or "Russia"
and "Russian") share one Place, listed under the first entity that names it. A toponym the
gazetteer cannot place keeps its name without a pin: a wrong pin is worse than none.
"""

from collections.abc import Iterable

from services.extraction.gazetteer import Gazetteer, Location, key
from services.extraction.intervals import Intervals
from services.extraction.resolve import resolve
from services.extraction.toponyms import (
    GEOGRAPHIC_HEADS,
    PLACE_TYPES,
    Context,
    Toponym,
    find_toponyms,
)
from shared.models import Entity, Mention, Place

__all__ = ["PLACE_TYPES", "Gazetteer", "geocode"]

# Heads of administrative names ("Eastern Military District", "Kherson Oblast").
TERRITORIAL_UNITS = frozenset(
    {"district", "region", "province", "territory", "oblast", "krai", "okrug", "prefecture"}
    | {"state", "township"}
)


def geocode(
    entities: Iterable[Entity],
    gazetteer: Gazetteer,
    text: str = "",
    disabled: frozenset[str] = frozenset(),
) -> list[Place]:
    """Places in order of first naming entity (entities come most salient first); ``text`` is
    Document.text, which the entities' offsets index."""
    entities = list(entities)
    if not text:  # without the text, the entity mentions are all there is
        disabled = disabled | {"places.spans", "places.embedded"}
    mentions = [m for e in entities for m in e.mentions]
    sentence_of = {(m.start, m.end): m.sentence for m in mentions}
    mention_at = Intervals((m.start, m.end) for m in mentions)
    toponyms = find_toponyms(entities, text, gazetteer, disabled)
    locations = resolve(toponyms, text, gazetteer, disabled)
    if "places.second_pass" not in disabled:
        # Once the article's places are resolved, they, not each name's most likely sense,
        # say which regions the article is about ("London" of a Kentucky story is not England).
        context = Context.of_places(locations)
        toponyms = find_toponyms(entities, text, gazetteer, disabled, context)
        locations = resolve(toponyms, text, gazetteer, disabled)
    if "places.unknown" not in disabled:
        kinds = {e.id: e.type for e in entities}
        kept = [
            (t, loc)
            for t, loc in zip(toponyms, locations, strict=True)
            if loc is not None or kinds.get(t.entity or "") == "FAC" or _looks_geographic(t.text)
        ]
        toponyms, locations = [t for t, _ in kept], [loc for _, loc in kept]
    order = {e.id: i for i, e in enumerate(entities)}
    by_key: dict[tuple[str, str], Place] = {}
    rank: dict[tuple[str, str], tuple[int, int]] = {}
    for t, loc in zip(toponyms, locations, strict=True):
        group = ("loc", loc.source_id) if loc else ("name", t.entity or key(t.text))
        mention = Mention(
            start=t.start,
            end=t.end,
            text=t.text,
            sentence=_sentence(t, sentence_of, mentions, mention_at),
        )
        place = by_key.get(group)
        if place is None:
            place = by_key[group] = _place(t, loc)
            rank[group] = (order.get(t.entity or "", len(order)), t.start)
        elif place.entity is None and t.entity is not None:
            place.entity = t.entity
            rank[group] = (order[t.entity], rank[group][1])
        place.mentions.append(mention)
    for place in by_key.values():
        place.mentions.sort(key=lambda m: m.start)
    return [by_key[g] for g in sorted(by_key, key=lambda g: rank[g])]


def _looks_geographic(name: str) -> bool:
    """A name the gazetteer lacks is kept as a place when its last word says what kind of place
    it is ("Red River", "Glen Carbon Township"): the NER's GPE and LOC names the gazetteer does
    not know are mostly firms, products and people ("Webb Center", "Taser")."""
    words = name.split()
    last = words[-1].rstrip(".").lower() if words else ""
    return len(words) > 1 and (last in GEOGRAPHIC_HEADS or last in TERRITORIAL_UNITS)


def _place(t: Toponym, loc: Location | None) -> Place:
    return Place(
        entity=t.entity,
        name=loc.name if loc else t.text,
        country_code=loc.country_code if loc else None,
        latitude=loc.latitude if loc else None,
        longitude=loc.longitude if loc else None,
        source_id=loc.source_id if loc else None,
        feature=loc.feature if loc else None,
        mentions=[],
    )


def _sentence(
    t: Toponym,
    sentence_of: dict[tuple[int, int], int],
    mentions: list[Mention],
    mention_at: Intervals,
) -> int:
    """The sentence of the first entity mention the toponym lies in (toponym spans sit inside
    one; its end may pass the mention's by a repaired period): ``m.start <= t.start`` and
    ``t.end <= m.end + 1``."""
    holding = mention_at.which(t.start + 1, t.end - 2)
    if holding:
        return mentions[holding[0]].sentence
    return sentence_of.get((t.start, t.end), 0)
