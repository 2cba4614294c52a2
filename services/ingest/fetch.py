"""Fetching a submitted URL: the ingest stage's only network I/O, defended against misuse.

A URL from a client must not turn the worker into a proxy into the private network (SSRF). So
every hop (redirects included) resolves the host itself, refuses it if *any* address is private,
loopback, link-local or otherwise non-public, and then connects to the address it checked (the
request is pinned to that IP, with the original Host header and TLS server name), so a DNS answer
that changes between check and connect ("rebinding") cannot slip through; that policy lives in
``shared/addresses.py``, shared with the callback sender. Redirects are followed
by hand for the same reason. Bodies are streamed and cut off at ``url_max_bytes`` decoded bytes,
counted as they are inflated (content_encoding.py), and the whole fetch shares one
``url_fetch_timeout_seconds`` budget. Errors name the URL with its credentials redacted.
"""

import codecs
import re
import time
from dataclasses import dataclass
from typing import Literal

import httpx

from services.ingest.content_encoding import ACCEPT_ENCODING, decoded, encodings
from shared.addresses import (
    AddressRefused,
    IPAddress,
    checked_addresses,
    is_public_address,
    pinned_request,
)
from shared.redact import redact_text, redact_url
from shared.settings import Settings

__all__ = ["FetchError", "FetchedPage", "decode_body", "fetch_url", "is_public_address"]

MAX_REDIRECTS = 5
USER_AGENT = "Newsflow-ingest/0.1 (article analysis; +https://github.com/newsflow)"
ContentType = Literal["text/html", "text/plain"]
CONTENT_TYPES: dict[str, ContentType] = {"text/html": "text/html", "text/plain": "text/plain"}
# Statuses worth retrying besides 5xx: the server asked us to come back later.
_RETRYABLE_STATUS = frozenset({408, 425, 429})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


class FetchError(Exception):
    """The URL could not be turned into a page; ``retryable`` says whether trying later may help."""

    def __init__(self, message: str, *, url: str, retryable: bool) -> None:
        # Credentials in the URL (user info, ?token=) must not reach the stored error or logs.
        self.url = redact_url(url)
        super().__init__(f"{redact_text(message)} ({self.url})")
        self.retryable = retryable


@dataclass(frozen=True)
class FetchedPage:
    url: str  # after redirects
    content: str  # decoded body: HTML or plain text, as content_type says
    content_type: ContentType

    @property
    def is_html(self) -> bool:
        return self.content_type == "text/html"


def _checked_addresses(url: httpx.URL, settings: Settings) -> list[IPAddress]:
    try:
        return checked_addresses(url, settings.allow_private_urls)
    except AddressRefused as exc:
        raise FetchError(str(exc), url=str(url), retryable=exc.retryable) from exc


def _check_response(response: httpx.Response, url: httpx.URL, settings: Settings) -> ContentType:
    status = response.status_code
    if status >= 400:
        raise FetchError(
            f"server answered HTTP {status}",
            url=str(url),
            retryable=status >= 500 or status in _RETRYABLE_STATUS,
        )
    media = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    content_type = CONTENT_TYPES.get(media)
    if content_type is None:
        raise FetchError(
            f"unsupported content type {media or 'none'!r} (want HTML or plain text)",
            url=str(url),
            retryable=False,
        )
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > settings.url_max_bytes:
        raise FetchError(
            f"page is {length} bytes, more than the {settings.url_max_bytes} bytes allowed",
            url=str(url),
            retryable=False,
        )
    return content_type


def _read_body(
    response: httpx.Response, url: httpx.URL, settings: Settings, deadline: float
) -> bytes:
    """Raw bytes decoded here, not by httpx: the cap must see decoded bytes as they stream."""
    try:
        applied = encodings(response.headers.get("content-encoding"))
    except ValueError as exc:
        raise FetchError(str(exc), url=str(url), retryable=False) from exc
    body = bytearray()
    try:
        for chunk in decoded(response.iter_raw(), applied):
            body += chunk
            if len(body) > settings.url_max_bytes:
                raise FetchError(
                    f"page is larger than the {settings.url_max_bytes} bytes allowed",
                    url=str(url),
                    retryable=False,
                )
            if time.monotonic() > deadline:
                raise FetchError(
                    f"download took longer than {settings.url_fetch_timeout_seconds}s",
                    url=str(url),
                    retryable=True,
                )
    except ValueError as exc:  # corrupt compressed data
        raise FetchError(str(exc), url=str(url), retryable=False) from exc
    return bytes(body)


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


def _read_page(
    response: httpx.Response, url: httpx.URL, settings: Settings, deadline: float
) -> FetchedPage | httpx.URL:
    if response.is_redirect and "location" in response.headers:
        return url.join(response.headers["location"])
    content_type = _check_response(response, url, settings)
    body = _read_body(response, url, settings, deadline)
    text = decode_body(body, response.charset_encoding, content_type)
    return FetchedPage(url=str(url), content=text, content_type=content_type)


def _get(
    client: httpx.Client, url: httpx.URL, settings: Settings, deadline: float
) -> FetchedPage | httpx.URL:
    """One hop: the page, or the URL a redirect points to. Tries each address in turn."""
    addresses = _checked_addresses(url, settings)
    for attempt, ip in enumerate(addresses, start=1):
        try:
            response = client.send(pinned_request(client, "GET", url, ip), stream=True)
        except httpx.ConnectError as exc:
            if attempt == len(addresses):
                raise FetchError(f"cannot connect: {exc}", url=str(url), retryable=False) from exc
            continue
        try:
            return _read_page(response, url, settings, deadline)
        finally:
            response.close()
    raise FetchError("host has no address", url=str(url), retryable=False)


def fetch_url(url: str, settings: Settings) -> FetchedPage:
    """GET an article page: checked, pinned, size-capped and bounded in time and redirects."""
    timeout = settings.url_fetch_timeout_seconds
    deadline = time.monotonic() + timeout
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html, text/plain;q=0.9",
        "Accept-Encoding": ACCEPT_ENCODING,
    }
    try:
        current = httpx.URL(url)
        with httpx.Client(
            timeout=timeout, follow_redirects=False, trust_env=False, headers=headers
        ) as client:
            for _ in range(MAX_REDIRECTS + 1):
                if time.monotonic() > deadline:
                    raise FetchError(f"no page within {timeout}s", url=url, retryable=True)
                outcome = _get(client, current, settings, deadline)
                if isinstance(outcome, FetchedPage):
                    return outcome
                current = outcome
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out after {timeout}s", url=url, retryable=True) from exc
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid URL: {exc}", url=url, retryable=False) from exc
    except httpx.TransportError as exc:
        raise FetchError(f"network error: {exc}", url=url, retryable=True) from exc
    raise FetchError(f"more than {MAX_REDIRECTS} redirects", url=url, retryable=False)
