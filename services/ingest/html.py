"""Main text and metadata of an HTML page, without the page around the story.

trafilatura does the extraction (no network: it only reads the markup it is given). Before that,
elements whose class or id names them as ads, consent banners, newsletters, sharing tools or
"related" lists are dropped: trafilatura removes most of them itself, but keeps the prose of an
inline ad whose label it strips ("ADVERTISEMENT · Open an account today." reads like a sentence).
"""

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from lxml import etree
from trafilatura import bare_extraction, baseline
from trafilatura.settings import Document as TrafilaturaDocument
from trafilatura.utils import load_html

# Parts of class/id names ("inline-ad", "div-gpt-ad-top", "cookie_consent") that mark boilerplate.
BOILERPLATE_NAME = re.compile(
    r"(?:^|[\s_-])(?:"
    r"ads?|adv|adverts?|advertisement|advertising|advertorial|adslot|adunit|dfp|gpt|doubleclick"
    r"|adsense|taboola|outbrain|sponsor|sponsored|promo|promoted|leaderboard|billboard"
    r"|skyscraper|mpu|cookies?|consent|gdpr|onetrust|cmp|newsletter|paywall|related"
    r"|recommended|share|sharing|social"
    r")(?=$|[\s_-])"
)
# Elements that are never the story: site chrome, by tag or by ARIA landmark role.
CHROME_TAGS = frozenset({"nav", "footer", "aside", "button", "noscript"})
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search"})
# Weaker hints, since some sites wrap the whole page in a <form> or a dialog.
SUSPECT_TAGS = frozenset({"form"})
SUSPECT_ROLES = frozenset({"dialog", "alertdialog"})
_KEEP_TAGS = frozenset({"html", "head", "body", "main", "article"})
# An element holding more than this share of the page's text is the page, whatever its class.
_MAX_PRUNED_SHARE = 0.4
_INVISIBLE_TAGS = frozenset({"script", "style", "noscript"})
# Real pages nest a few dozen levels; past this, wrappers are unwrapped (their content stays).
# trafilatura looks at every element's ancestors, so hostile nesting (thousands of <div>s around
# thousands of paragraphs) would cost elements x depth.
MAX_DEPTH = 64
_PARAGRAPH_TAGS = frozenset({"p", "br", "h1", "h2", "h3", "h4", "h5", "h6"})


# Dates only from markup meant to carry them (meta, <time>, JSON-LD, URL): the "extensive"
# search also reads free text, where it takes a footer's "© 2024" for a publication date.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


@dataclass(frozen=True)
class ExtractedPage:
    text: str  # one paragraph per line
    title: str | None
    published: date | None
    sitename: str | None


def _droppable(element: Any) -> bool:
    return isinstance(element.tag, str) and element.tag not in _KEEP_TAGS


def _is_chrome(element: Any) -> bool:
    return element.tag in CHROME_TAGS or element.get("role") in CHROME_ROLES


def _is_suspect(element: Any) -> bool:
    if element.tag in SUSPECT_TAGS or element.get("role") in SUSPECT_ROLES:
        return True
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return BOILERPLATE_NAME.search(names) is not None


def _visible_sizes(root: Any) -> dict[Any, int]:
    """Characters a reader sees under every element, in one bottom-up pass.

    Inline scripts and styles (JSON-LD, CSS) would skew shares. One pass, because asking each
    element for its own text is quadratic on deeply nested markup (hundreds of nested ad boxes).
    """
    sizes: dict[Any, int] = {}
    for element in reversed(list(root.iter())):  # every child before its parent
        if not isinstance(element.tag, str) or element.tag in _INVISIBLE_TAGS:
            sizes[element] = 0
            continue
        sizes[element] = len(element.text or "") + sum(
            sizes[child] + len(child.tail or "") for child in element
        )
    return sizes


def _prune(tree: Any) -> None:
    """Drop chrome, and suspects unless one holds so much text that it must be the page."""
    sizes = _visible_sizes(tree)
    page_chars = sizes[tree] or 1
    pending = list(tree)
    while pending:  # top-down; a dropped element's descendants are not visited
        element = pending.pop()
        if _droppable(element) and (
            _is_chrome(element)
            or (_is_suspect(element) and sizes[element] / page_chars <= _MAX_PRUNED_SHARE)
        ):
            element.drop_tree()
            continue
        pending.extend(element)


def _deep_tags(tree: Any) -> set[str]:
    """Tags of the elements nested deeper than MAX_DEPTH."""
    depth: dict[Any, int] = {tree: 0}
    deep: set[str] = set()
    for element in tree.iter():
        parent = element.getparent()
        if parent is None or element is tree:  # the loaded tree may be a subtree (<body>)
            continue
        depth[element] = depth[parent] + 1
        if depth[element] > MAX_DEPTH and isinstance(element.tag, str):
            deep.add(element.tag)
    return deep


def _flatten(tree: Any) -> None:
    """On markup nested deeper than any real page, strip the tags that nest (content stays).

    lxml's strip_tags works in one pass; unwrapping element by element would cost siblings x
    depth again. Paragraph and heading tags stay so the text keeps its paragraphs.
    """
    for _ in range(3):  # stripping wrappers can leave other nesting tags deep; they go next
        deep = _deep_tags(tree) - _PARAGRAPH_TAGS
        if not deep:
            return
        etree.strip_tags(tree, *deep)


def _load(markup: str) -> Any:
    # trafilatura refuses a fragment ("<p>x</p>") as "not HTML"; wrapped, it parses as a page.
    tree = load_html(markup)
    return tree if tree is not None else load_html(f"<html><body>{markup}</body></html>")


def _parse_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def extract_html(markup: str, url: str | None = None) -> ExtractedPage:
    """Story text and metadata; falls back to trafilatura's baseline for pages it finds empty."""
    tree = _load(markup)
    if tree is None:
        return ExtractedPage(text="", title=None, published=None, sitename=None)
    _flatten(tree)
    _prune(tree)
    doc = bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        date_extraction_params=_DATE_PARAMS,
    )
    if not isinstance(doc, TrafilaturaDocument):  # None: nothing worth extracting
        doc = None
    text = (doc.text if doc is not None else None) or baseline(tree)[1] or ""
    if doc is None:
        return ExtractedPage(text=text, title=None, published=None, sitename=None)
    return ExtractedPage(
        text=text,
        title=doc.title or None,
        published=_parse_date(doc.date),
        sitename=doc.sitename or None,
    )
