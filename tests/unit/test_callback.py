import json
from datetime import UTC, datetime

import pytest

from services.gateway.callback import CallbackError, deliver, notification, signature
from shared.models import ArticleResult
from shared.settings import Settings


def test_signature_is_hmac_sha256_of_the_body() -> None:
    # RFC 4231-style public test vector for HMAC-SHA256.
    body = b"The quick brown fox jumps over the lazy dog"
    expected = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    assert signature("key", body) == f"sha256={expected}"


def test_notification_is_small_and_points_at_the_result() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    result = ArticleResult(
        id="a_1",
        run_id="r",
        status="done",
        content_type="text",
        submitted_at=now,
        updated_at=now,
        finished_at=now,
    )
    body = json.loads(notification(result))
    assert body == {
        "id": "a_1",
        "run_id": "r",
        "status": "done",
        "finished_at": now.isoformat(),
        "error": None,
        "links": {"self": "/articles/a_1"},
    }


def test_private_callback_targets_are_refused_without_retry() -> None:
    settings = Settings(callback_secret="s", allow_private_urls=False)
    with pytest.raises(CallbackError) as refused:
        deliver("http://127.0.0.1:9/hook", b"{}", settings)
    assert not refused.value.retryable and "not a public address" in str(refused.value)
