"""Fetching a submitted URL: the ingest stage's only network I/O, defended against misuse.

The network part (address checks and pinning against SSRF and DNS rebinding, redirects by hand,
the decoded-bytes cap that a decompression bomb cannot beat, one time budget, redacted errors)
is ``shared/fetch.py``, shared with the feed poller; its docstring says why each is there. What
is left here is what makes the bytes an article page: only HTML or plain text is taken, and the
body is decoded by the header charset, else ``<meta charset>``, else UTF-8, else cp1252.
"""

import codecs
import re
from dataclasses import dataclass
from typing import Literal

from shared.addresses import is_public_address
from shared.fetch import FetchError, fetch
from shared.settings import Settings

__all__ = ["FetchError", "FetchedPage", "decode_body", "fetch_url", "is_public_address"]

USER_AGENT = "Newsflow-ingest/0.1 (article analysis; +https://github.com/newsflow)"
ContentType = Literal["text/html", "text/plain"]
CONTENT_TYPES: dict[str, ContentType] = {"text/html": "text/html", "text/plain": "text/plain"}
ACCEPT = "text/html, text/plain;q=0.9"
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


@dataclass(frozen=True)
class FetchedPage:
    url: str  # after redirects
    content: str  # decoded body: HTML or plain text, as content_type says
    content_type: ContentType

    @property
    def is_html(self) -> bool:
        return self.content_type == "text/html"


def _known_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_body(body: bytes, declared: str | None, content_type: ContentType) -> str:
    """Header charset, else ``<meta charset>``, else UTF-8, else cp1252 (never fails)."""
    encoding = _known_codec(declared)
    if encoding is None and content_type == "text/html":
        meta = _META_CHARSET.search(body[:4096])
        encoding = _known_codec(meta.group(1).decode("ascii", "ignore") if meta else None)
    if encoding is not None:
        return body.decode(encoding, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def fetch_url(url: str, settings: Settings) -> FetchedPage:
    """GET an article page: checked, pinned, size-capped and bounded in time and redirects."""
    fetched = fetch(
        url, settings, accept=CONTENT_TYPES, user_agent=USER_AGENT, headers={"Accept": ACCEPT}
    )
    content_type = CONTENT_TYPES.get(fetched.media_type or "")
    if content_type is None:  # a 304 to a request that asked for nothing conditional
        raise FetchError(
            f"server answered HTTP {fetched.status} without a page", url=url, retryable=False
        )
    content = decode_body(fetched.body, fetched.charset, content_type)
    return FetchedPage(url=fetched.url, content=content, content_type=content_type)
