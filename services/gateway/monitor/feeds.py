"""A fetched feed or news sitemap made into typed items: RSS 2.0/1.0, Atom, JSON Feed, sitemaps.

Pure (bytes in, a FeedPage out), so each format is tested on small fixtures without a network.
RSS and Atom are read by feedparser, which copes with the broken feeds real sites serve, resolves
relative links against xml:base and the feed's URL, and sanitises HTML. feedparser 6.0 does not
read JSON Feed (a JSON schema, read here with pydantic) nor sitemaps (read with defusedxml).

The bytes are hostile until proven otherwise. Every XML document first goes through defusedxml's
expat reader up to its root element, which refuses any entity declaration: no billion laughs
(entities expanding into gigabytes), no external entities reading local files or URLs (XXE); a
feed never needs one. feedparser is handed a stream, never a string, since a string that looks
like a URL or a path is fetched or opened by it. A page gives at most ``max_items`` items and says
so (``truncated``); an item without a usable http(s) URL is skipped and counted.
"""

import calendar
import hashlib
import io
import json
import re
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element
from xml.sax import SAXException, SAXParseException
from xml.sax.handler import ContentHandler, feature_namespaces

import defusedxml.ElementTree as safe_tree  # type: ignore[import-untyped]
import feedparser  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser  # type: ignore[import-untyped]
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.settings import Settings

# The values of shared.models.sources.SourceKind: what a followed source turned out to be.
FeedKind = Literal["rss", "atom", "json", "sitemap"]

# What the poller asks for and takes. HTML is taken too, so that a page URL given by mistake is
# answered "not a feed: HTML page" rather than "unsupported content type"; text/plain and
# octet-stream because many servers label their feeds so.
FEED_MEDIA_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
    "application/xml",
    "text/xml",
    "application/x-rss+xml",
    "text/html",
    "text/plain",
    "application/octet-stream",
)
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, "
    "text/xml;q=0.9, application/json;q=0.8, */*;q=0.1"
)

DEFAULT_MAX_ITEMS: int = Settings.model_fields["feed_max_items"].default
_JSON_FEED_VERSION = re.compile(r"^https?://jsonfeed\.org/version/(1(?:\.\d+)?)/?$")
# Leading comments, then <!doctype html> or <html: looked for in the first bytes only, and a
# comment cannot run past its "-->", so the match stays linear on hostile input.
_HTML_START = re.compile(
    rb"^\s*(?:<!--(?:(?!-->).)*-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S
)
_SNIFF_BYTES = 4096
# feedparser's versions (rss20, rss091n, rss10, atom10, atom03, cdf...) by their prefix.
_FEEDPARSER_KIND: Mapping[str, FeedKind] = {"rss": "rss", "atom": "atom", "cdf": "rss"}


class FeedError(Exception):
    """The body is not a feed this module can read; the message is meant for the user."""


class FeedItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    guid: str = Field(description="the feed's id for the item (guid, id); else its URL")
    url: str = Field(description="absolute http(s) link to the article")
    title: str | None = None
    published_at: datetime | None = None  # aware, UTC; the update time if that is all there is
    updated_at: datetime | None = None  # aware, UTC
    author: str | None = None
    summary: str | None = Field(None, description="as the feed gives it: may hold HTML")
    content: str | None = Field(None, description="the full body, if the feed carries one (HTML)")
    content_hash: str = Field(description="sha256 of title, summary, content and update time")


class FeedPage(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: FeedKind
    title: str | None = None
    items: list[FeedItem] = Field(default_factory=list)
    sitemaps: list[str] = Field(
        default_factory=list, description="a sitemap index's child sitemaps, newest first"
    )
    truncated: bool = Field(False, description="the page had more than max_items entries")
    total: int = Field(0, description="entries in the document, read or not")
    skipped: int = Field(0, description="entries left out: no http(s) URL, or a repeated GUID")
    format: str = Field("", description="rss20, rss10, atom10, json1.1, urlset, sitemapindex...")
    notes: list[str] = Field(default_factory=list, description="what a user may want to know")


def content_hash(
    title: str | None, summary: str | None, content: str | None, updated: datetime | None
) -> str:
    """Changes whenever the item's words or its update time do: a changed item is noticed."""
    key = json.dumps([title, summary, content, updated.isoformat() if updated else None])
    return hashlib.sha256(key.encode()).hexdigest()


def absolute_http_url(link: str | None, base_url: str) -> str | None:
    """``link`` made absolute against ``base_url``, if that gives an http(s) URL with a host."""
    if not link or not link.strip():
        return None
    try:
        url = urljoin(base_url, link.strip())
        parts = urlsplit(url)
    except ValueError:  # an invalid IPv6 literal, say
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """The text of an HTML fragment (a title given as HTML), whitespace collapsed."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


# -- sniffing ------------------------------------------------------------------------------------


# feedparser's strict reader is quadratic in an element's attributes: one element with 10,000
# took 2 s and with 100,000 took 174 s (measured here); a feed's elements carry a handful.
MAX_ATTRIBUTES = 100


@dataclass(frozen=True)
class _Broken:
    """Where and why the XML is not well-formed."""

    line: int
    message: str

    def error(self) -> FeedError:
        return FeedError(f"malformed XML at line {self.line}: {self.message}")


class _Survey(ContentHandler):
    """The root element's local name, and a refusal of elements no feed has."""

    def __init__(self) -> None:
        super().__init__()
        self.root: str | None = None

    def startElementNS(self, name: tuple[str | None, str], qname: str | None, attrs: Any) -> None:
        if self.root is None:
            self.root = name[1]
        if len(attrs) > MAX_ATTRIBUTES:
            raise FeedError(f"refused: an element with {len(attrs)} attributes")


def _survey(body: bytes) -> tuple[str | None, _Broken | None]:
    """The root element and, if the XML is not well-formed, where: read by defusedxml's expat
    reader, which refuses any entity declaration in the prolog before anything else is read. A
    parse error is returned, not raised: feedparser reads many broken feeds all the same."""
    # forbid_external off: an external DTD (RSS 0.91's Netscape DTD) is never loaded by the expat
    # reader anyway, and external *entities* need a declaration, which is refused.
    parser = DefusedExpatParser(forbid_dtd=False, forbid_entities=True, forbid_external=False)
    parser.setFeature(feature_namespaces, True)
    survey = _Survey()
    parser.setContentHandler(survey)
    try:
        parser.parse(io.BytesIO(body))
    except DefusedXmlException as exc:
        raise FeedError(
            "refused: the XML declares entities (an expansion or external-entity attack;"
            f" feeds never need them): {exc}"
        ) from exc
    except SAXParseException as exc:
        return survey.root, _Broken(exc.getLineNumber() or 1, exc.getMessage())
    except SAXException as exc:
        return survey.root, _Broken(1, exc.getMessage())
    return survey.root, None


def _looks_like_json(body: bytes, content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media in ("application/feed+json", "application/json") or body.lstrip(
        b"\xef\xbb\xbf \t\r\n"
    ).startswith(b"{")


def parse_feed(
    body: bytes,
    *,
    content_type: str | None,
    base_url: str,
    max_items: int = DEFAULT_MAX_ITEMS,
) -> FeedPage:
    """The items of an RSS, Atom or JSON Feed, a news sitemap, or a sitemap index's children.

    ``base_url`` (the URL the body came from, after redirects) makes relative links absolute;
    ``content_type`` is the response's media type. Raises FeedError when nothing can be read.
    """
    if not body.strip():
        raise FeedError("not a feed: the body is empty")
    if _looks_like_json(body, content_type):
        return _json_feed(body, base_url, max_items)
    root, broken = _survey(body)
    if (root or "").lower() == "html" or (root is None and _HTML_START.match(body[:_SNIFF_BYTES])):
        raise FeedError("not a feed: HTML page")
    if root is None and not body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise FeedError("not a feed: neither XML nor JSON")
    if broken is None and root in ("urlset", "sitemapindex"):
        return _sitemap(body, base_url, max_items)
    return _feedparser_feed(body, content_type, base_url, max_items, broken)


# -- items, whatever the format ------------------------------------------------------------------


def _page_items(
    entries: Iterable[FeedItem | None], total: int, max_items: int
) -> tuple[list[FeedItem], int, list[str]]:
    """At most ``max_items`` items, each GUID once; the count left out and why."""
    items: list[FeedItem] = []
    guids: set[str] = set()
    no_url = repeated = 0
    for item in entries:
        if len(items) == max_items:
            break
        if item is None:
            no_url += 1
        elif item.guid in guids:
            repeated += 1
        else:
            guids.add(item.guid)
            items.append(item)
    notes = []
    if total > max_items:
        notes.append(f"the page has {total} items; the first {max_items} are read")
    if no_url:
        notes.append(f"{_count(no_url, 'item')} without an http(s) link skipped")
    if repeated:
        notes.append(f"{_count(repeated, 'item')} repeating an earlier item's GUID skipped")
    return items, no_url + repeated, notes


def _item(
    *,
    guid: str | None,
    link: str | None,
    base_url: str,
    title: str | None,
    published: datetime | None,
    updated: datetime | None,
    author: str | None,
    summary: str | None,
    content: str | None,
) -> FeedItem | None:
    url = absolute_http_url(link, base_url)
    if url is None:
        return None
    return FeedItem(
        guid=guid or url,
        url=url,
        title=title,
        published_at=published or updated,  # Atom's and RSS 1.0's only date is often "updated"
        updated_at=updated,
        author=author,
        summary=summary,
        content=content,
        content_hash=content_hash(title, summary, content, updated),
    )


# -- RSS and Atom (feedparser) -------------------------------------------------------------------


def _utc(parsed: time.struct_time | None) -> datetime | None:
    """feedparser's parsed dates are UTC struct_times."""
    if parsed is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _entry_title(entry: Mapping[str, Any]) -> str | None:
    title = _clean(entry.get("title"))
    detail = entry.get("title_detail") or {}
    if title and "html" in str(detail.get("type", "")):
        return plain_text(title) or None
    return title


def _entry_content(entry: Mapping[str, Any]) -> str | None:
    for part in entry.get("content") or ():
        value = _clean(part.get("value"))
        if value:
            return value
    return None


def _entry(entry: Mapping[str, Any], base_url: str) -> FeedItem | None:
    link = _clean(entry.get("link"))
    if link is None and entry.get("guidislink"):
        link = _clean(entry.get("id"))
    updated = _utc(entry.get("updated_parsed"))
    published = _utc(entry.get("published_parsed"))
    return _item(
        guid=_clean(entry.get("id")),
        link=link,
        base_url=base_url,
        title=_entry_title(entry),
        published=published,
        updated=updated,
        author=_clean(entry.get("author")),
        summary=_clean(entry.get("summary")),
        content=_entry_content(entry),
    )


def _feedparser_feed(
    body: bytes,
    content_type: str | None,
    base_url: str,
    max_items: int,
    broken: _Broken | None,
) -> FeedPage:
    headers = {"content-location": base_url}
    if content_type and "xml" in content_type.lower():  # a wrong label only misleads it
        headers["content-type"] = content_type
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    version: str = parsed.get("version") or ""
    kind = next((k for prefix, k in _FEEDPARSER_KIND.items() if version.startswith(prefix)), None)
    entries = parsed.get("entries") or []
    error = parsed.get("bozo_exception")
    if isinstance(error, SAXParseException):
        broken = _Broken(error.getLineNumber() or 1, error.getMessage())
    if kind is None:
        if broken is not None:
            raise broken.error()
        raise FeedError("not a feed: no RSS, Atom or JSON Feed document")
    items, skipped, notes = _page_items(
        (_entry(entry, base_url) for entry in entries), len(entries), max_items
    )
    if broken is not None:
        if not items:  # nothing usable came of reading it leniently: say why
            raise broken.error()
        notes.insert(0, f"{broken.error()}; read leniently")
    return FeedPage(
        kind=kind,
        title=_clean(parsed.get("feed", {}).get("title")),
        items=items,
        truncated=len(entries) > max_items,
        total=len(entries),
        skipped=skipped,
        format=version,
        notes=notes,
    )


# -- JSON Feed (https://jsonfeed.org/version/1.1) ------------------------------------------------


class _JsonAuthor(BaseModel):
    name: str | None = None


class _JsonItem(BaseModel):
    id: str | int | None = None  # a string by the spec; numbers are common
    url: str | None = None
    external_url: str | None = None
    title: str | None = None
    summary: str | None = None
    content_html: str | None = None
    content_text: str | None = None
    date_published: str | None = None
    date_modified: str | None = None
    author: _JsonAuthor | None = None  # 1.0
    authors: list[_JsonAuthor] | None = None  # 1.1


class _JsonFeed(BaseModel):
    version: str
    title: str | None = None
    items: list[Any] = Field(default_factory=list)  # validated one by one: a bad one is skipped


def rfc3339(value: str | None) -> datetime | None:
    """A JSON Feed date as an aware UTC datetime; one without a zone is taken as UTC."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def _json_item(raw: Any, base_url: str) -> FeedItem | None:
    try:
        item = _JsonItem.model_validate(raw)
    except ValidationError:
        return None
    authors = item.authors or ([item.author] if item.author else [])
    names = ", ".join(a.name.strip() for a in authors if a.name and a.name.strip())
    guid = str(item.id).strip() if item.id is not None else None
    return _item(
        guid=guid or None,
        link=item.url or item.external_url,
        base_url=base_url,
        title=_clean(item.title),
        published=rfc3339(item.date_published),
        updated=rfc3339(item.date_modified),
        author=names or None,
        summary=_clean(item.summary),
        content=_clean(item.content_html) or _clean(item.content_text),
    )


def _json_feed(body: bytes, base_url: str, max_items: int) -> FeedPage:
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FeedError(f"malformed JSON: not UTF-8 ({exc.reason})") from exc
    except json.JSONDecodeError as exc:
        raise FeedError(f"malformed JSON at line {exc.lineno}: {exc.msg}") from exc
    except RecursionError as exc:
        raise FeedError("malformed JSON: nested too deeply") from exc
    if not isinstance(document, dict):
        raise FeedError("not a feed: JSON, but not a JSON Feed object")
    version = _JSON_FEED_VERSION.match(str(document.get("version", "")))
    if version is None:
        raise FeedError("not a feed: JSON without a JSON Feed version")
    try:
        feed = _JsonFeed.model_validate(document)
    except ValidationError as exc:
        raise FeedError(f"not a valid JSON Feed: {exc.errors()[0]['msg']}") from exc
    entries = feed.items
    items, skipped, notes = _page_items(
        (_json_item(raw, base_url) for raw in entries), len(entries), max_items
    )
    return FeedPage(
        kind="json",
        title=_clean(feed.title),
        items=items,
        truncated=len(entries) > max_items,
        total=len(entries),
        skipped=skipped,
        format=f"json{version.group(1)}",
        notes=notes,
    )


# -- sitemaps (https://www.sitemaps.org/protocol.html, Google's news extension) -----------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: Element, name: str) -> Element | None:
    """The first child of that local name, whatever its namespace: sitemaps often get it wrong."""
    return next((child for child in element if _local(child.tag) == name), None)


def _text(element: Element | None, name: str) -> str | None:
    found = _child(element, name) if element is not None else None
    return _clean(found.text) if found is not None else None


def w3c_datetime(value: str | None) -> datetime | None:
    """A sitemap date (W3C datetime: 2026-11-30, or with a time and zone) as aware UTC."""
    if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        value = value.strip() + "T00:00:00+00:00"
    return rfc3339(value)


def _news_url(entry: Element, base_url: str) -> FeedItem | None:
    news = _child(entry, "news")
    updated = w3c_datetime(_text(entry, "lastmod"))
    published = w3c_datetime(_text(news, "publication_date"))
    return _item(
        guid=None,
        link=_text(entry, "loc"),
        base_url=base_url,
        title=_text(news, "title"),
        published=published,
        updated=updated,
        author=None,
        summary=None,
        content=None,
    )


def _sitemap(body: bytes, base_url: str, max_items: int) -> FeedPage:
    try:
        # Sitemaps need no DTD at all: refuse one outright.
        root = safe_tree.fromstring(body, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise FeedError(f"refused: the sitemap declares a DTD or entities: {exc}") from exc
    except safe_tree.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 1
        raise FeedError(f"malformed XML at line {line}: {exc}") from exc
    if _local(root.tag) == "sitemapindex":
        return _sitemap_index(root, base_url, max_items)
    entries = [entry for entry in root if _local(entry.tag) == "url"]
    news = [entry for entry in entries if _child(entry, "news") is not None]
    if entries and not news:
        raise FeedError(
            "not a news sitemap: no <news:news> entries (a plain sitemap lists every page of a"
            " site; follow its news sitemap or feed instead)"
        )
    items, skipped, notes = _page_items(
        (_news_url(entry, base_url) for entry in news), len(news), max_items
    )
    if len(entries) > len(news):
        notes.append(f"{_count(len(entries) - len(news), 'URL')} without <news:news> skipped")
    return FeedPage(
        kind="sitemap",
        items=items,
        truncated=len(news) > max_items,
        total=len(news),
        skipped=skipped + len(entries) - len(news),
        format="urlset",
        notes=notes,
    )


def _newest_first(children: list[tuple[str, datetime | None]]) -> Iterator[str]:
    """Children by lastmod, newest first (those without one last, in document order): a poll
    that reads a bounded number of them reads the recent ones, however the index is ordered."""
    floor = datetime.min.replace(tzinfo=UTC)
    ordered = sorted(children, key=lambda child: child[1] or floor, reverse=True)
    return (url for url, _ in ordered)


def _sitemap_index(root: Element, base_url: str, max_items: int) -> FeedPage:
    children: list[tuple[str, datetime | None]] = []
    unusable = 0
    entries = [entry for entry in root if _local(entry.tag) == "sitemap"]
    for entry in entries:
        url = absolute_http_url(_text(entry, "loc"), base_url)
        if url is None:
            unusable += 1
        else:
            children.append((url, w3c_datetime(_text(entry, "lastmod"))))
    urls = list(dict.fromkeys(_newest_first(children)))[:max_items]
    notes = [f"{_count(unusable, 'sitemap')} without an http(s) link skipped"] if unusable else []
    if len(children) > max_items:
        notes.append(f"the index lists {len(children)} sitemaps; the newest {max_items} are read")
    return FeedPage(
        kind="sitemap",
        sitemaps=urls,
        truncated=len(children) > max_items,
        total=len(entries),
        skipped=unusable,
        format="sitemapindex",
        notes=notes,
    )
