"""Article ids derived from normalised content, so a resubmission finds the same article."""

import hashlib
import re
import unicodedata
import uuid
from urllib.parse import urlsplit, urlunsplit

from shared.models import ArticleSubmission

_SPACE = re.compile(r"\s+")


def normalise_text(content: str) -> str:
    """Unicode NFC, whitespace collapsed: re-encoded or re-wrapped copies get the same id."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", content)).strip()


def normalise_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no trailing slash on the path."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def article_id(submission: ArticleSubmission, owner: str | None = None) -> str:
    """Same content, same id; with tenants (``owner``, a key fingerprint) the id is scoped by
    owner, so one tenant's submission never finds, reveals or reruns another's."""
    kind = submission.kind
    content = submission.content
    key = normalise_url(content) if kind == "url" else normalise_text(content)
    scope = f"{owner}\n" if owner else ""
    digest = hashlib.sha256(f"{scope}{kind}\n{key}".encode()).hexdigest()
    return f"a_{digest[:24]}"


def new_run_id() -> str:
    return uuid.uuid4().hex
