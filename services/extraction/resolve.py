"""Which place each toponym of an article means: population first, then what the article says.

A name alone means its most likely place (a country before its namesake towns, then the most
populous). Rule groups (switchable for ablation, "places.<group>"):

- ``context``: places of one article cluster. Each name's pick is scored again, twice, against
  the others' current picks: + REGION_WEIGHT per other name in the same first-level region (or
  naming it), + COUNTRY_WEIGHT per other name in the same country, + NEAR_WEIGHT per other name
  within NEAR_KM; each count capped at CONTEXT_CAP. "Paris" in a story that names Henry County,
  Tennessee is Paris, Tennessee; "Georgia" next to Tbilisi is the country.
- ``qualifier``: "Monroeville, Ala." / "Hurricane, W.Va.": a place followed by a comma and a
  region or country is in it, whatever the populations say.
- ``abstain``: no pin rather than a far one: a small town that nothing in the article supports,
  in a country other than the one most of the article's places are in, gets none (places.py
  then drops it unless its words say it is a place: such a pick is mostly a name the NER
  misread).
"""

import itertools
import math
from collections import Counter
from collections.abc import Sequence

from services.extraction.gazetteer import Gazetteer, Location, key
from services.extraction.toponyms import Toponym

# Weights in log10-population units. A small grid on LGL's train half favoured a country
# weight of 2 (+0.9 point acc@161 there, +0.06 on the held-out half), but that much lets a
# US-heavy article pin its dateline's Toronto in Ohio: a country's support stays modest.
REGION_WEIGHT = 1.5  # per other name in the same first-level region
COUNTRY_WEIGHT = 0.5  # per other name in the same country
NEAR_WEIGHT = 1.0  # per other name pinned within NEAR_KM
NEAR_KM = 150.0
CONTEXT_CAP = 3  # a long list of towns should not drown the population prior
ITERATIONS = 2
ABSTAIN_POPULATION = 100_000  # a town smaller than this needs support to be pinned abroad
_QUALIFIERS = frozenset({"admin1", "country"})


def distance_km(a: Location, b: Location) -> float:
    if None in (a.latitude, a.longitude, b.latitude, b.longitude):
        return math.inf
    lat1, lon1 = math.radians(a.latitude or 0.0), math.radians(a.longitude or 0.0)
    lat2, lon2 = math.radians(b.latitude or 0.0), math.radians(b.longitude or 0.0)
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def _prior(loc: Location) -> float:
    return math.log10(loc.prior + 10)


def _in_region(loc: Location, other: Location) -> bool:
    """``loc`` lies in the first-level region ``other`` is in or is."""
    return (
        bool(loc.admin1)
        and loc.country_code == other.country_code
        and (loc.admin1 == other.admin1 or (other.feature == "admin1" and other.name == loc.admin1))
    )


def _support(loc: Location, others: Sequence[Location]) -> float:
    region = sum(1 for o in others if _in_region(loc, o) or _in_region(o, loc))
    country = sum(1 for o in others if o.country_code and o.country_code == loc.country_code)
    near = sum(1 for o in others if distance_km(loc, o) <= NEAR_KM)
    return (
        REGION_WEIGHT * min(region, CONTEXT_CAP)
        + COUNTRY_WEIGHT * min(country, CONTEXT_CAP)
        + NEAR_WEIGHT * min(near, CONTEXT_CAP)
    )


def _qualified(toponyms: Sequence[Toponym], text: str, gazetteer: Gazetteer) -> dict[int, Location]:
    """Toponym index -> the region or country that follows it after a comma."""
    found: dict[int, Location] = {}
    for i, (t, nxt) in enumerate(itertools.pairwise(toponyms)):
        between = text[t.end : nxt.start]
        if between.strip() != ",":
            continue
        region = next((c for c in gazetteer.candidates(nxt.text) if c.feature in _QUALIFIERS), None)
        if region is not None:
            found[i] = region
    return found


def resolve(
    toponyms: Sequence[Toponym],
    text: str,
    gazetteer: Gazetteer,
    disabled: frozenset[str] = frozenset(),
) -> list[Location | None]:
    """One place (or None) per toponym; every mention of one name gets the same place unless a
    qualifier ("Paris, Texas") says otherwise."""
    candidates: dict[str, list[Location]] = {}
    for t in toponyms:
        k = key(t.text)
        if k not in candidates:
            candidates[k] = [t.country] if t.country else gazetteer.candidates(t.text)
    qualifiers = {} if "places.qualifier" in disabled else _qualified(toponyms, text, gazetteer)
    # A name qualified anywhere ("Paris, Texas") keeps only the candidates in that region.
    for i, region in qualifiers.items():
        k = key(toponyms[i].text)
        inside = [c for c in candidates[k] if c is not region and _in_region(c, region)]
        inside = inside or [
            c
            for c in candidates[k]
            if c is not region
            and c.country_code == region.country_code
            and region.feature == "country"
        ]
        if inside:
            candidates[k] = inside
    picks = {k: (c[0] if c else None) for k, c in candidates.items()}
    if "places.context" not in disabled:
        for _ in range(ITERATIONS):
            picks = {
                k: _best(cands, [p for o, p in picks.items() if o != k and p is not None])
                for k, cands in candidates.items()
            }
    if "places.abstain" not in disabled:
        picks = _abstain(picks)
    return [picks[key(t.text)] for t in toponyms]


def _best(cands: list[Location], others: list[Location]) -> Location | None:
    if not cands:
        return None
    return max(cands, key=lambda c: _prior(c) + _support(c, others))


def _abstain(picks: dict[str, Location | None]) -> dict[str, Location | None]:
    out: dict[str, Location | None] = {}
    for k, p in picks.items():
        others = [q for o, q in picks.items() if o != k and q is not None]
        out[k] = None if p is not None and _unsupported_abroad(p, others) else p
    return out


def _unsupported_abroad(pick: Location, others: list[Location]) -> bool:
    """A town of under ABSTAIN_POPULATION that no other place of the article supports (same
    region, same country, or near), while the article's places are mostly in one country."""
    if pick.feature != "city" or pick.population >= ABSTAIN_POPULATION or not others:
        return False
    main, count = Counter(p.country_code for p in [pick, *others]).most_common(1)[0]
    return count >= 2 and pick.country_code != main and _support(pick, others) == 0
