r"""Build services/gateway/page/world.svg, the results page's map, from a pinned package's outlines.

    python -m services.cli.build_world_map

Source: countryinfo 1.0.1 (MIT; its ``geoJSON`` per country is Natural Earth 1:110m, public
domain), already pinned in requirements/dev.txt for build_gazetteer.py. Built once by hand and
committed, so the page needs neither the package nor a tile server or CDN at run time.

Projection: equirectangular, one SVG unit per degree, ``x = longitude``, ``y = -latitude``; the
page's script places its markers with the same two formulas.
"""

import argparse
import json
import math
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

OUT = Path(__file__).parents[1] / "gateway" / "page" / "world.svg"
Point = tuple[float, float]
# Douglas-Peucker tolerance in degrees: 0.1 deg (~11 km) is under a pixel when the page zooms to
# its pins (a 60-degree span over ~600 px); measured file sizes: 0.25 -> 63 KB, 0.1 -> 92 KB,
# 0.05 -> 102 KB (the 1:110m source has ~10,500 points in all).
TOLERANCE_DEGREES = 0.1
DECIMALS = 1  # 0.1 deg is ~0.2 px on the page
# Rings smaller than this many square degrees after rounding are specks, not readable islands.
MIN_RING_AREA = 0.05
# The map's frame: Antarctica (south of -58) carries no news pins and wastes a third of the height.
NORTH, SOUTH = 84.0, -58.0
GRATICULE_STEP = 30  # degrees between graticule lines


def project(point: Sequence[float]) -> Point:
    """Longitude, latitude -> SVG x, y (one unit per degree)."""
    return (round(float(point[0]), DECIMALS), round(-float(point[1]), DECIMALS))


def _distance_to_segment(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker: the fewest points within ``tolerance`` of the original line."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        index, farthest = first, 0.0
        for i in range(first + 1, last):
            d = _distance_to_segment(points[i], points[first], points[last])
            if d > farthest:
                index, farthest = i, d
        if farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring_area(points: Sequence[Point]) -> float:
    """Shoelace area in square degrees (unsigned)."""
    pairs = zip(points, [*points[1:], points[0]], strict=True)
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in pairs)) / 2


def ring_path(points: Sequence[Point]) -> str:
    """One closed SVG subpath; ``g`` drops trailing zeros (``12.0`` -> ``12``)."""
    head, *rest = points
    coords = " ".join(f"{x:g},{y:g}" for x, y in rest)
    return f"M{head[0]:g},{head[1]:g}L{coords}Z"


def polygons(geometry: dict[str, Any]) -> Iterator[list[list[Sequence[float]]]]:
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        yield from geometry["coordinates"]


def country_path(geometry: dict[str, Any], tolerance: float) -> str:
    """Every ring of a country (holes included: the path fills even-odd) as one ``d``."""
    parts = []
    for polygon in polygons(geometry):
        for ring in polygon:
            if max(float(p[1]) for p in ring) < SOUTH:
                continue
            points = simplify([project(p) for p in ring], tolerance)
            if len(points) >= 3 and ring_area(points) >= MIN_RING_AREA:
                parts.append(ring_path(points))
    return "".join(parts)


def graticule() -> str:
    lines = [f"M{x},{-NORTH:g}V{-SOUTH:g}" for x in range(-180, 181, GRATICULE_STEP)]
    lines += [f"M-180,{-y}H180" for y in range(-60, 91, GRATICULE_STEP) if SOUTH <= y <= NORTH]
    return "".join(lines)


def svg(countries: Iterable[tuple[str, str, str]]) -> str:
    """The document: ``countries`` are (ISO alpha-2, name, path data), sorted for stable output."""
    height = NORTH - SOUTH
    rows = [
        f'<path id="c-{code}" d="{d}"><title>{_escape(name)}</title></path>'
        for code, name, d in sorted(countries)
        if d
    ]
    return "\n".join(
        [
            '<svg xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="-180 {-NORTH:g} 360 {height:g}" class="world" role="img" '
            'aria-label="World map">',
            "<!-- Natural Earth 1:110m (public domain) via countryinfo 1.0.1; "
            "services/cli/build_world_map.py -->",
            f'<rect class="sea" x="-180" y="{-NORTH:g}" width="360" height="{height:g}"/>',
            f'<path class="graticule" d="{graticule()}"/>',
            '<g class="land">',
            *rows,
            "</g>",
            "</svg>",
            "",
        ]
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def read_countries(tolerance: float) -> list[tuple[str, str, str]]:
    out = []
    for path in (resources.files("countryinfo") / "data").iterdir():
        if not path.name.endswith(".json"):
            continue
        record = json.loads(path.read_text(encoding="utf-8"))
        code = (record.get("ISO") or {}).get("alpha2") or record["name"][:2].upper()
        for feature in (record.get("geoJSON") or {}).get("features", []):
            out.append((code, record["name"], country_path(feature["geometry"], tolerance)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--tolerance", type=float, default=TOLERANCE_DEGREES)
    args = parser.parse_args()
    text = svg(read_countries(args.tolerance))
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {len(text.encode()) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
