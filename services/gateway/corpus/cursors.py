"""Opaque page cursors: where the last page ended, in a form clients pass back unread.

Keyset pagination (``(time, id) < cursor``) stays fast on the millionth page and never skips or
repeats a row when new articles arrive between pages, unlike OFFSET.
"""

import base64
import binascii
import json
from datetime import datetime

from services.gateway.corpus.rows import as_utc


class CursorError(ValueError):
    """A cursor this server did not hand out: served as 422 on ``cursor``."""


def encode(when: datetime, key: int) -> str:
    raw = json.dumps([as_utc(when).isoformat(), key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        when, key = json.loads(raw)
        if not isinstance(key, int) or isinstance(key, bool):
            raise TypeError(key)
        return as_utc(datetime.fromisoformat(when)), key
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise CursorError("not a cursor from a previous page") from exc
