"""Callbacks: tell the submitter's URL that an article is done or failed, signed with HMAC-SHA256.

The body is a small notification (fetch the full result with ``GET /articles/{id}``). The header
``X-Newsflow-Signature: sha256=<hex>`` is the HMAC-SHA256 of the exact body bytes under
CALLBACK_SECRET; receivers recompute it and compare in constant time.
"""

import hashlib
import hmac
import json

import httpx

from shared.addresses import is_public_address, resolve
from shared.models import ArticleResult
from shared.settings import Settings

SIGNATURE_HEADER = "X-Newsflow-Signature"


class CallbackError(Exception):
    def __init__(self, message: str, retryable: bool) -> None:
        super().__init__(message)
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


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(url: str, body: bytes, settings: Settings) -> int:
    """POST the notification; any 2xx is delivery. Network errors and 5xx are worth retrying."""
    target = httpx.URL(url)
    if not settings.allow_private_urls:
        port = target.port or (443 if target.scheme == "https" else 80)
        try:
            addresses = resolve(target.host, port)
        except OSError as exc:
            raise CallbackError(f"cannot resolve {target.host}: {exc}", retryable=True) from exc
        if not all(is_public_address(ip) for ip in addresses):
            raise CallbackError(f"{target.host} is not a public address", retryable=False)
    headers = {
        "content-type": "application/json",
        SIGNATURE_HEADER: signature(settings.callback_secret, body),
        "user-agent": "Newsflow-Callback/1",
    }
    try:
        response = httpx.post(
            url, content=body, headers=headers, timeout=settings.callback_timeout_seconds
        )
    except httpx.HTTPError as exc:
        raise CallbackError(f"callback to {url} failed: {exc}", retryable=True) from exc
    if response.status_code >= 300:
        raise CallbackError(
            f"callback to {url} answered {response.status_code}",
            retryable=response.status_code >= 500 or response.status_code == 429,
        )
    return response.status_code
