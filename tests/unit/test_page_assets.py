"""The results page ships whole: the gateway serves it and every file it references, nothing in it
points off the gateway, and its world map is the small outline build_world_map.py writes.
(tests/integration/test_page.py drives it in a real browser.)"""

import math
import re
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from services.cli.build_world_map import (
    NORTH,
    SOUTH,
    project,
    ring_area,
    ring_path,
    simplify,
)
from services.gateway.app import create_app
from services.gateway.routes.page import PAGE_DIR
from shared.settings import Settings

# The only absolute URL allowed: the SVG namespace, an identifier that is never fetched.
_NAMESPACE = "http://www.w3.org/2000/svg"
_URL = re.compile(r"""\b(?:https?:)?//[\w.-]+\.[a-z]{2,}""", re.IGNORECASE)
_REFERENCE = re.compile(r"""(?:href|src)="([^"#][^"]*)\"""")
_IMPORT = re.compile(r"""from "\./([\w.-]+)";""")
_MAX_MAP_BYTES = 300_000  # issue 12's budget for the map
_KINDS = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    """No lifespan: the page's routes need neither Redis nor the archive."""
    return TestClient(create_app(Settings()))


def test_the_page_and_its_files_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    references = _REFERENCE.findall(page.text)
    assert "static/app.js" in references and "static/style.css" in references
    for reference in references:
        if reference.startswith("static/"):
            asset = client.get(f"/{reference}")
            assert asset.status_code == 200, reference
            kind = _KINDS.get(reference[reference.rfind(".") :])
            assert kind is None or asset.headers["content-type"].startswith(kind), reference


def test_every_tab_has_a_route_and_every_page_module_is_reached() -> None:
    """A tab in the header is a route app.js renders; every module is imported by another (the
    Monitor tab is monitor.js, reached from app.js)."""
    index = (PAGE_DIR / "index.html").read_text(encoding="utf-8")
    app = (PAGE_DIR / "app.js").read_text(encoding="utf-8")
    tabs = re.findall(r'<a href="#/(\w*)" data-tab="(\w+)">', index)
    assert ("monitor", "monitor") in tabs and ("corpus", "corpus") in tabs
    for route, _ in tabs:
        assert not route or f'r.name === "{route}"' in app, route
    imported = {
        name for module in PAGE_DIR.glob("*.js") for name in _IMPORT.findall(module.read_text())
    }
    assert {p.name for p in PAGE_DIR.glob("*.js")} - imported == {"app.js"}


def test_every_module_import_is_a_shipped_file() -> None:
    for module in PAGE_DIR.glob("*.js"):
        for name in _IMPORT.findall(module.read_text(encoding="utf-8")):
            assert (PAGE_DIR / name).is_file(), f"{module.name} imports {name}"


def test_nothing_points_off_the_gateway() -> None:
    for path in PAGE_DIR.iterdir():
        text = path.read_text(encoding="utf-8").replace(_NAMESPACE, "")
        assert _URL.findall(text) == [], path.name


def test_no_article_string_reaches_inner_html() -> None:
    """The page builds DOM from text nodes only (dom.js); parsing markup is not a tool it uses."""
    for module in PAGE_DIR.glob("*.js"):
        text = module.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
            assert sink not in text, f"{module.name} uses {sink}"


def test_world_map_is_small_and_matches_the_script() -> None:
    svg = PAGE_DIR / "world.svg"
    assert svg.stat().st_size < _MAX_MAP_BYTES
    root = ET.parse(svg).getroot()
    assert root.get("viewBox") == f"-180 {-NORTH:g} 360 {NORTH - SOUTH:g}"
    ids = [p.get("id") for p in root.iter(f"{{{_NAMESPACE}}}path") if p.get("id")]
    assert len(ids) == len(set(ids)) > 150  # one path per country, addressable by ISO code
    assert "c-CN" in ids and "c-RU" in ids
    # map.js places pins in the same frame.
    script = (PAGE_DIR / "map.js").read_text(encoding="utf-8")
    assert f"x: -180, y: {-NORTH:g}, w: 360, h: {NORTH - SOUTH:g}" in script


def test_projection_is_longitude_and_minus_latitude() -> None:
    assert project([116.4, 39.9]) == (116.4, -39.9)
    assert project([-98.6, -0.04]) == (-98.6, 0.0)


def test_simplify_keeps_the_ends_and_drops_what_the_tolerance_allows() -> None:
    line = [(float(x), 0.01 * math.sin(x)) for x in range(20)]
    simple = simplify(line, 0.1)
    assert simple == [line[0], line[-1]]
    corner = [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (2.0, 1.0), (2.0, 2.0)]
    assert simplify(corner, 0.1) == [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0)]
    assert simplify(corner, 5.0) == [(0.0, 0.0), (2.0, 2.0)]


def test_ring_area_and_path() -> None:
    square = [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0)]
    assert ring_area(square) == 4.0
    assert ring_path(square) == "M0,0L2,0 2,2 0,2Z"


_TYPE_COLOURS = re.compile(r"\.t-(\w+) \{ --c: (#[0-9a-f]{6}); --t: (#[0-9a-f]{6}); \}")
_INK = "#1b1f27"  # style.css --ink, the text inside every highlight
_AA = 4.5  # WCAG 2 AA contrast for normal-size text


def _luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_entity_colour_is_readable() -> None:
    """Text on a highlight, and a type's colour as text on its tint (legend counts), pass AA."""
    pairs = _TYPE_COLOURS.findall((PAGE_DIR / "style.css").read_text(encoding="utf-8"))
    types = re.findall(r'\["(\w+)", "', (PAGE_DIR / "types.js").read_text(encoding="utf-8"))
    assert {t for t, _, _ in pairs} == set(types)  # every type the legend names has colours
    for name, colour, tint in pairs:
        assert _contrast(_INK, tint) >= _AA, name
        assert _contrast(colour, tint) >= _AA, name
        assert _contrast(colour, "#ffffff") >= _AA, name
