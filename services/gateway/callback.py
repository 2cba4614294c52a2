"""Callbacks: tell the submitter's URL that an article is done or failed, signed with HMAC-SHA256.

The body is a small notification (fetch the full result with ``GET /articles/{id}``). The header
``X-Newsflow-Signature: t=<unix seconds>,v1=<hex>`` carries the HMAC-SHA256, under
CALLBACK_SECRET, of ``"<t>." + body``: the signed timestamp lets a receiver refuse a replayed
notification (docs/security.md has a receiver-side check).

Delivery is defended like the fetcher (the same address policy, ``shared/addresses.py``: every
resolved address must be public, and the request is pinned to a checked one), and bounded: one
total deadline for resolving, connecting, sending and reading (``CALLBACK_TIMEOUT_SECONDS``), at
most ``MAX_RESPONSE_BYTES`` of the answer read, no redirects, no proxy from the environment.
"""

import asyncio
import hashlib
import hmac
import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Final

import httpx

from shared.addresses import AddressRefused, IPAddress, checked_addresses, pinned_request
from shared.models import ArticleResult
from shared.redact import redact_text, redact_url
from shared.settings import Settings

SIGNATURE_HEADER: Final = "X-Newsflow-Signature"
USER_AGENT: Final = "Newsflow-Callback/1"
# Only the status matters; a receiver answering with a large (or endless) page is read this far
# and no further, then the connection is closed.
MAX_RESPONSE_BYTES: Final = 64 * 1024
# How old a signed timestamp a receiver should accept (Stripe's default tolerance).
SIGNATURE_TOLERANCE_SECONDS: Final = 300


class CallbackError(Exception):
    def __init__(self, message: str, retryable: bool) -> None:
        super().__init__(redact_text(message))
        self.retryable = retryable


def notification(result: ArticleResult) -> bytes:
    body = {
        "id": result.id,
        "run_id": result.run_id,
        "status": result.status,
        "finished_at": result.finished_at.isoformat() if result.finished_at else None,
        "error": result.error.model_dump() if result.error else None,
        "links": {"self": f"/articles/{result.id}"},
    }
    return json.dumps(body, separators=(",", ":")).encode()


def _mac(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """The header value: ``t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>." + body>``."""
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    now: float,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver does: the MAC matches (in constant time) and the timestamp is recent."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(fields.get("v1", ""), _mac(secret, timestamp, body))


async def _read_capped(response: httpx.Response) -> None:
    seen = 0
    async for chunk in response.aiter_raw():
        seen += len(chunk)
        if seen >= MAX_RESPONSE_BYTES:
            return


async def _addresses(url: httpx.URL, allow_private: bool) -> list[IPAddress]:
    """Resolve in a thread we do not wait for, so the deadline also bounds a slow resolver."""
    executor = ThreadPoolExecutor(max_workers=1)
    try:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(executor, checked_addresses, url, allow_private)
    finally:
        executor.shutdown(wait=False)


async def _post(url: httpx.URL, body: bytes, headers: dict[str, str], settings: Settings) -> int:
    addresses = await _addresses(url, settings.allow_private_urls)
    async with httpx.AsyncClient(
        timeout=settings.callback_timeout_seconds, follow_redirects=False, trust_env=False
    ) as client:
        for attempt, ip in enumerate(addresses, start=1):
            request = pinned_request(client, "POST", url, ip, headers=headers, content=body)
            try:
                response = await client.send(request, stream=True)
            except httpx.ConnectError:
                if attempt == len(addresses):
                    raise
                continue
            try:
                await _read_capped(response)
            finally:
                await response.aclose()
            return response.status_code
    raise AssertionError("checked_addresses returns at least one address")


def deliver(url: str, body: bytes, settings: Settings, now: float | None = None) -> int:
    """POST the notification; any 2xx is delivery. Network errors, 5xx and 429 are worth retrying.

    Blocking: runs its own event loop, so the whole exchange shares one deadline.
    """
    shown = redact_url(url)
    timestamp = int(time.time() if now is None else now)
    headers = {
        "content-type": "application/json",
        "accept-encoding": "identity",
        "user-agent": USER_AGENT,
        SIGNATURE_HEADER: signature(settings.callback_secret, body, timestamp),
    }
    deadline = settings.callback_timeout_seconds
    try:
        target = httpx.URL(url)
        status = asyncio.run(
            asyncio.wait_for(_post(target, body, headers, settings), timeout=deadline)
        )
    except AddressRefused as exc:
        raise CallbackError(f"callback to {shown} refused: {exc}", exc.retryable) from exc
    except TimeoutError as exc:
        raise CallbackError(f"callback to {shown} took more than {deadline}s", True) from exc
    except httpx.InvalidURL as exc:
        raise CallbackError(f"callback URL {shown} is invalid: {exc}", False) from exc
    except httpx.HTTPError as exc:
        raise CallbackError(f"callback to {shown} failed: {exc}", True) from exc
    if status >= 300:
        raise CallbackError(
            f"callback to {shown} answered {status}", retryable=status >= 500 or status == 429
        )
    return status
