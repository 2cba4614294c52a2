"""Credentials inside URLs never leave the process that needs them: not in errors, results or logs.

A submitted URL (to fetch, or to call back) may carry a secret the remote end needs: user info
(``https://user:pass@host/``) or a query parameter named like a credential (``?token=...``). The
request itself must carry it; everything a person or another tenant can read gets
``https://***@host/x?token=***`` instead. Pure functions; ``install_log_redaction`` applies them to
every log record of the process.
"""

import logging
import re
from typing import Any, Final
from urllib.parse import SplitResult, parse_qsl, quote, urlsplit, urlunsplit

MASK: Final = "***"
# Query parameter names that carry credentials in the wild: OAuth (access_token), API gateways
# (api_key, apikey, key), pre-signed URLs (signature, sig, X-Amz-Signature, X-Amz-Credential)
# and plain login forms (password, pass, pwd). Compared lower-cased, with '-' read as '_'.
SECRET_PARAMS: Final = frozenset(
    {
        "access_token",
        "api_key",
        "apikey",
        "auth",
        "authorization",
        "client_secret",
        "key",
        "pass",
        "password",
        "pwd",
        "refresh_token",
        "secret",
        "session",
        "sessionid",
        "sig",
        "signature",
        "token",
        "x_amz_credential",
        "x_amz_security_token",
        "x_amz_signature",
    }
)
# A URL inside free text: scheme, '://', optional user info (which may hold quotes and brackets,
# RFC 3986 sub-delims, so it is matched up to its '@'), then anything up to whitespace or a
# quote/bracket that usually closes a URL in a message. No nested repetition: a scan that fails
# stops at the first whitespace or '/', so the work stays linear in the text.
_URL_IN_TEXT: Final = re.compile(
    r"""[A-Za-z][A-Za-z0-9+.-]{0,15}://(?:[^\s/?#@"<>]*@)?[^\s'"<>()\[\]{}]+"""
)


def _is_secret(name: str) -> bool:
    return name.lower().replace("-", "_") in SECRET_PARAMS


def _redact_query(query: str) -> str:
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(_is_secret(name) for name, _ in pairs):
        return query  # leave an innocent query byte for byte as it was
    return "&".join(
        f"{quote(name, safe='')}={MASK if _is_secret(name) else quote(value, safe='')}"
        for name, value in pairs
    )


def _looks_like_cut_credentials(netloc: str) -> bool:
    """``user:pa`` with no ``@`` and no numeric port: user info whose host was cut off."""
    if netloc.startswith("[") or ":" not in netloc:
        return False
    return not netloc.rpartition(":")[2].isdigit()


def redact_url(url: str) -> str:
    """``url`` with its user info and credential-like query values replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an invalid IPv6 literal: show nothing that could hold a secret
        return MASK
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rpartition('@')[2]}"
    elif _looks_like_cut_credentials(netloc):
        netloc = MASK
    # A fragment can hold parameters too (OAuth's implicit flow returns #access_token=...).
    fragment = _redact_query(parts.fragment) if "=" in parts.fragment else parts.fragment
    return urlunsplit(
        SplitResult(parts.scheme, netloc, parts.path, _redact_query(parts.query), fragment)
    )


def redact_text(text: str) -> str:
    """Every URL inside a message (an error, a log line) redacted; the rest left as it is."""
    if "://" not in text:
        return text
    return _URL_IN_TEXT.sub(lambda match: redact_url(match.group(0)), text)


def _redacting_factory(original: Any) -> Any:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = original(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let the handler report it as usual
            return record
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return record

    factory.redacts_urls = True  # type: ignore[attr-defined]
    return factory


def install_log_redaction() -> None:
    """Redact URLs in every log record this process creates (idempotent).

    A record factory rather than a handler filter: it sees records of every logger (httpx logs
    request URLs, Celery logs retry reasons) whatever handlers a framework installs later.
    """
    current = logging.getLogRecordFactory()
    if not getattr(current, "redacts_urls", False):
        logging.setLogRecordFactory(_redacting_factory(current))
