"""Fetching a URL on a user's behalf (a submitted article, a followed feed), safely.

A URL from a client must not turn a worker into a proxy into the private network (SSRF). So
every hop (redirects included) resolves the host itself, refuses it if *any* address is private,
loopback, link-local or otherwise non-public, and then connects to the address it checked (the
request is pinned to that IP, with the original Host header and TLS server name), so a DNS answer
that changes between check and connect ("rebinding") cannot slip through; that policy lives in
``shared/addresses.py``, shared with the callback sender. Redirects are followed
by hand for the same reason. Bodies are streamed and cut off at ``max_bytes`` (default
``url_max_bytes``) decoded bytes, counted as they are inflated (content_encoding.py), and the
whole fetch shares one ``url_fetch_timeout_seconds`` budget. Errors name the URL with its
credentials redacted.

What to do with the bytes is the caller's business: ingest decodes an HTML or text page
(services/ingest/fetch.py), the feed poller parses a feed. A conditional request (If-None-Match,
If-Modified-Since) answered 304 is a result, not an error: the caller keeps what it had.

Imports httpx: only the ingest and gateway images, which make outbound requests, import this.
"""

import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from shared.addresses import AddressRefused, IPAddress, checked_addresses, pinned_request
from shared.content_encoding import ACCEPT_ENCODING, decoded, encodings
from shared.redact import redact_text, redact_url
from shared.settings import Settings

__all__ = ["ANY_MEDIA_TYPE", "FetchError", "Fetched", "fetch", "retry_after_seconds"]

MAX_REDIRECTS = 5
ANY_MEDIA_TYPE = "*/*"  # in ``accept``: take whatever the server sends
# Statuses worth retrying besides 5xx: the server asked us to come back later.
_RETRYABLE_STATUS = frozenset({408, 425, 429})
# Set here, never by the caller: the Host header is the pin's, and the body must arrive in an
# encoding content_encoding.py can inflate under the cap.
_RESERVED_HEADERS = frozenset({"host", "accept-encoding"})


class FetchError(Exception):
    """The URL could not be fetched; ``retryable`` says whether trying later may help,
    ``retry_after`` (seconds) how long the server asked us to wait, if it said, and ``status``
    the HTTP status of an error answer (None when there was none: refused, unreachable...)."""

    def __init__(
        self,
        message: str,
        *,
        url: str,
        retryable: bool,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        # Credentials in the URL (user info, ?token=) must not reach the stored error or logs.
        self.url = redact_url(url)
        super().__init__(f"{redact_text(message)} ({self.url})")
        self.retryable = retryable
        self.retry_after = retry_after
        self.status = status


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    status: int  # a 2xx, or 304 (not modified: ``body`` is empty, keep what you had)
    body: bytes  # content-decoded (gzip/deflate undone), not charset-decoded
    media_type: str | None  # "text/html", lower case, without parameters; None on a 304
    charset: str | None  # the Content-Type's charset parameter, if any
    etag: str | None
    last_modified: str | None
    retry_after: float | None  # seconds, if the server sent Retry-After

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from ``now``: delta-seconds or an HTTP date; None if absent or
    unreadable (a date in the past is 0)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # an HTTP date is GMT by definition
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _retry_after(response: httpx.Response) -> float | None:
    return retry_after_seconds(response.headers.get("retry-after"), datetime.now(UTC))


def _media_type(response: httpx.Response) -> str:
    header: str = response.headers.get("content-type", "")
    return header.split(";", 1)[0].strip().lower()


def _checked_addresses(url: httpx.URL, settings: Settings) -> list[IPAddress]:
    try:
        return checked_addresses(url, settings.allow_private_urls)
    except AddressRefused as exc:
        raise FetchError(str(exc), url=str(url), retryable=exc.retryable) from exc


def _check_response(
    response: httpx.Response, url: httpx.URL, accept: Collection[str], max_bytes: int
) -> str:
    """The response's media type, once its status, type and announced size are acceptable."""
    status = response.status_code
    if status >= 400:
        raise FetchError(
            f"server answered HTTP {status}",
            url=str(url),
            retryable=status >= 500 or status in _RETRYABLE_STATUS,
            retry_after=_retry_after(response),
            status=status,
        )
    media = _media_type(response)
    if ANY_MEDIA_TYPE not in accept and media not in accept:
        raise FetchError(
            f"unsupported content type {media or 'none'!r} (want {' or '.join(sorted(accept))})",
            url=str(url),
            retryable=False,
        )
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise FetchError(
            f"body is {length} bytes, more than the {max_bytes} bytes allowed",
            url=str(url),
            retryable=False,
        )
    return media


def _read_body(
    response: httpx.Response,
    url: httpx.URL,
    max_bytes: int,
    settings: Settings,
    deadline: float,
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
            if len(body) > max_bytes:
                raise FetchError(
                    f"body is larger than the {max_bytes} bytes allowed",
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


@dataclass(frozen=True)
class _Request:
    """What stays the same across the hops of one fetch."""

    settings: Settings
    accept: Collection[str]
    max_bytes: int
    deadline: float


def _read(response: httpx.Response, url: httpx.URL, request: _Request) -> Fetched | httpx.URL:
    if response.is_redirect and "location" in response.headers:
        return url.join(response.headers["location"])
    headers = response.headers
    if response.status_code == 304:
        media: str | None = None
        body = b""
    else:
        media = _check_response(response, url, request.accept, request.max_bytes)
        body = _read_body(response, url, request.max_bytes, request.settings, request.deadline)
    return Fetched(
        url=str(url),
        status=response.status_code,
        body=body,
        media_type=media,
        charset=response.charset_encoding,
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
        retry_after=_retry_after(response),
    )


def _get(client: httpx.Client, url: httpx.URL, request: _Request) -> Fetched | httpx.URL:
    """One hop: the result, or the URL a redirect points to. Tries each address in turn."""
    addresses = _checked_addresses(url, request.settings)
    for attempt, ip in enumerate(addresses, start=1):
        try:
            response = client.send(pinned_request(client, "GET", url, ip), stream=True)
        except httpx.ConnectError as exc:
            if attempt == len(addresses):
                raise FetchError(f"cannot connect: {exc}", url=str(url), retryable=False) from exc
            continue
        try:
            return _read(response, url, request)
        finally:
            response.close()
    raise FetchError("host has no address", url=str(url), retryable=False)


def _request_headers(
    accept: Collection[str], headers: Mapping[str, str] | None, user_agent: str
) -> dict[str, str]:
    extra = dict(headers or {})
    reserved = sorted(name for name in extra if name.lower() in _RESERVED_HEADERS)
    if reserved:
        raise ValueError(f"headers the fetcher sets itself: {', '.join(reserved)}")
    return {
        "User-Agent": user_agent,
        "Accept": ", ".join(accept),
        **extra,  # the caller may refine Accept (q-values) and add conditional headers
        "Accept-Encoding": ACCEPT_ENCODING,
    }


def fetch(
    url: str,
    settings: Settings,
    *,
    accept: Collection[str],
    user_agent: str,
    headers: Mapping[str, str] | None = None,
    max_bytes: int | None = None,
) -> Fetched:
    """GET ``url``: checked, pinned, size-capped and bounded in time and redirects.

    ``accept`` lists the media types taken (``ANY_MEDIA_TYPE`` for all); ``headers`` adds request
    headers such as If-None-Match; ``max_bytes`` overrides ``settings.url_max_bytes``.
    """
    timeout = settings.url_fetch_timeout_seconds
    request = _Request(
        settings=settings,
        accept=frozenset(media.lower() for media in accept),
        max_bytes=settings.url_max_bytes if max_bytes is None else max_bytes,
        deadline=time.monotonic() + timeout,
    )
    sent = _request_headers(accept, headers, user_agent)
    try:
        current = httpx.URL(url)
        with httpx.Client(
            timeout=timeout, follow_redirects=False, trust_env=False, headers=sent
        ) as client:
            for _ in range(MAX_REDIRECTS + 1):
                if time.monotonic() > request.deadline:
                    raise FetchError(f"no answer within {timeout}s", url=url, retryable=True)
                outcome = _get(client, current, request)
                if isinstance(outcome, Fetched):
                    return outcome
                current = outcome
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out after {timeout}s", url=url, retryable=True) from exc
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid URL: {exc}", url=url, retryable=False) from exc
    except httpx.TransportError as exc:
        raise FetchError(f"network error: {exc}", url=url, retryable=True) from exc
    raise FetchError(f"more than {MAX_REDIRECTS} redirects", url=url, retryable=False)
