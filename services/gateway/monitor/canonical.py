"""One URL per article for dedup: the same story linked from two feeds, or re-linked with new
campaign tags, must be recognised as the same URL.

Built on ids.normalise_url (lower-case scheme and host, no fragment, no trailing slash), so a URL
without tracking parameters, default port or shuffled query canonicalises to exactly what the
article id is computed from; ids.py itself is untouched, so no existing article id changes.
"""

from urllib.parse import unquote_plus, urlsplit, urlunsplit

from services.gateway.ids import normalise_url

# Query parameters that only say how a reader arrived, never which page they get: campaign tags
# (utm_*, Mailchimp mc_cid/mc_eid, Microsoft/MSN ocid, cmpid), ad click ids (Facebook fbclid,
# Google gclid/dclid, Microsoft msclkid), Instagram igshid, HubSpot _hsenc/_hsmi, Marketo
# mkt_tok. A trailing "*" matches any name starting so. Compared case-insensitively.
TRACKING_PARAMETERS = (
    "utm_*",
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "ocid",
    "cmpid",
    "igshid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
)
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def is_tracking_parameter(name: str) -> bool:
    key = unquote_plus(name).strip().lower()
    return any(
        key.startswith(pattern[:-1]) if pattern.endswith("*") else key == pattern
        for pattern in TRACKING_PARAMETERS
    )


def _query(query: str) -> str:
    """Tracking parameters dropped, the rest sorted by name; values kept as they were encoded,
    and a repeated name keeps its values' order (a=2&a=1 may differ from a=1&a=2)."""
    pairs = [pair for pair in query.split("&") if pair]
    kept = [pair for pair in pairs if not is_tracking_parameter(pair.split("=", 1)[0])]
    return "&".join(sorted(kept, key=lambda pair: unquote_plus(pair.split("=", 1)[0])))


def _netloc(scheme: str, netloc: str) -> str:
    userinfo, at, hostport = netloc.lower().rpartition("@")
    default = _DEFAULT_PORTS.get(scheme)
    if default and hostport.endswith(f":{default}"):
        hostport = hostport[: -len(default) - 1]
    return f"{userinfo}{at}{hostport.removesuffix(':')}"


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no default port, no tracking parameters, the
    other query parameters sorted, no trailing slash."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    rebuilt = urlunsplit(
        (scheme, _netloc(scheme, parts.netloc), parts.path, _query(parts.query), "")
    )
    return normalise_url(rebuilt)
