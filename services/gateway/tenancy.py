"""Who is asking: the API key checked in constant time, and the owner it makes of an article.

With ``API_KEYS`` set, every article belongs to the key that submitted it. The record stores the
key's *fingerprint* (SHA-256 of the key under a fixed label), never the key, and nothing in Redis
is named after a key: a reader of the store learns no usable key. Ids are scoped by owner
(``ids.article_id``), so two tenants sending the same content get two articles and neither can
learn that the other sent it. Another tenant asking for an article gets the same 404 as for an id
that does not exist. Without ``API_KEYS`` there are no tenants: every article is everyone's.
"""

import hashlib
import hmac

from services.gateway.problems import Problem
from shared.models import ArticleResult
from shared.redact import redact_url
from shared.settings import Settings

# A label keeps these digests apart from any other SHA-256 of the same string.
_FINGERPRINT_LABEL = b"newsflow-api-key-v1\x00"


def fingerprint(key: str) -> str:
    """What the store keeps of a key. Keys are random tokens, so a digest cannot be reversed."""
    return "k_" + hashlib.sha256(_FINGERPRINT_LABEL + key.encode()).hexdigest()[:32]


def authenticate(settings: Settings, key: str | None) -> str | None:
    """The owner (key fingerprint) of this request, None when keys are off; 401 otherwise.

    Compares against *every* configured key with ``hmac.compare_digest`` and never stops early,
    so the time taken says nothing about which key, or how much of one, matched.
    """
    if not settings.api_keys:
        return None
    presented = (key or "").encode()
    matched: str | None = None
    for candidate in settings.api_keys:
        if hmac.compare_digest(presented, candidate.encode()):
            matched = candidate
    if matched is None:
        raise Problem(401, "Unauthorized", "a valid X-API-Key header is required")
    return fingerprint(matched)


def rate_client(owner: str | None, address: str) -> str:
    """The rate-limit bucket: the validated key's fingerprint, else the client address.

    An unvalidated header never names a bucket, so sending a fresh made-up key per request does
    not buy a fresh allowance.
    """
    return f"key:{owner}" if owner else f"ip:{address}"


def visible(result: ArticleResult | None, owner: str | None) -> ArticleResult | None:
    """``result`` as ``owner`` may see it, or None (served as 404) if it is another's.

    The owner sees their callback URL with any credentials in it masked (user info, ``?token=``).
    """
    if result is None or result.owner != owner:
        return None
    if result.callback_url is None:
        return result
    return result.model_copy(update={"callback_url": redact_url(result.callback_url)})
