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
_VISIBLE_TEXT = ".//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]"


# Dates only from markup meant to carry them (meta, <time>, JSON-LD, URL): the "extensive"
# search also reads free text, where it takes a footer's "© 2024" for a publication date.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


@dataclass(frozen=True)
class ExtractedPage:
    text: str  # one paragraph per line
    title: str | None
    published: date | None
    sitename: str | None


def _is_chrome(element: Any) -> bool:
    return element.tag in CHROME_TAGS or element.get("role") in CHROME_ROLES


def _is_suspect(element: Any) -> bool:
    if element.tag in SUSPECT_TAGS or element.get("role") in SUSPECT_ROLES:
        return True
    names = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return BOILERPLATE_NAME.search(names) is not None


def _visible_chars(element: Any) -> int:
    """Text a reader sees: inline scripts and styles (JSON-LD, CSS) would skew shares."""
    return sum(len(text) for text in element.xpath(_VISIBLE_TEXT))


def _prune(tree: Any) -> None:
    """Drop chrome, and suspects unless one holds so much text that it must be the page."""
    page_chars = _visible_chars(tree) or 1
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in _KEEP_TAGS:
            continue
        if element.getparent() is None:
            continue  # the root of a fragment
        if _is_chrome(element) or (
            _is_suspect(element) and _visible_chars(element) / page_chars <= _MAX_PRUNED_SHARE
        ):
            element.drop_tree()


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
