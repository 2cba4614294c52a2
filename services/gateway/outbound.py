"""URLs the gateway stores to call later (a feed to poll, a webhook for alerts): refused at once
when they point at a private address, rather than failing at every later call.

The calls themselves check again, at each hop, with the same policy (shared/addresses.py): this
is early feedback, not the defence. A host that does not resolve is refused too; a resolver that
is down for a moment (a retryable refusal) is not held against the URL.
"""

import httpx

from services.gateway.problems import Problem
from shared.addresses import AddressRefused, checked_addresses
from shared.settings import Settings


def refuse_private_url(url: str, settings: Settings, field: str, title: str) -> None:
    """422 naming ``field`` when ``url``'s host is private or does not resolve."""
    try:
        checked_addresses(httpx.URL(url), settings.allow_private_urls)
    except AddressRefused as exc:
        if not exc.retryable:
            raise Problem(422, title, str(exc), [{"field": field, "reason": str(exc)}]) from exc
