"""Tenancy: keys checked in constant time, owners by fingerprint, ids and records scoped."""

import hmac
from datetime import UTC, datetime

import pytest

from services.gateway.ids import article_id
from services.gateway.problems import Problem
from services.gateway.tenancy import authenticate, fingerprint, rate_client, visible
from shared.models import ArticleResult, ArticleSubmission
from shared.settings import Settings

KEYED = Settings(api_keys=["key-one-0123456789", "key-two-0123456789"])


def test_without_keys_there_are_no_owners() -> None:
    assert authenticate(Settings(), None) is None
    assert authenticate(Settings(), "anything") is None  # ignored, not a tenant of its own


def test_a_valid_key_makes_its_fingerprint_the_owner() -> None:
    owner = authenticate(KEYED, "key-two-0123456789")
    assert owner == fingerprint("key-two-0123456789")
    assert owner is not None and "key-two" not in owner
    assert owner != authenticate(KEYED, "key-one-0123456789")


@pytest.mark.parametrize("key", [None, "", "nope", "key-one-012345678", "key-one-0123456789 "])
def test_anything_else_is_a_401(key: str | None) -> None:
    with pytest.raises(Problem) as refused:
        authenticate(KEYED, key)
    assert refused.value.status == 401


def test_every_configured_key_is_compared_in_constant_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[bytes] = []
    real = hmac.compare_digest

    def compare(a: bytes, b: bytes) -> bool:
        calls.append(b)
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", compare)  # tenancy calls it through the module
    authenticate(KEYED, "key-one-0123456789")  # matches the first key: no early exit
    assert len(calls) == 2


def test_rate_buckets_are_named_by_fingerprint_or_address_never_by_key() -> None:
    owner = fingerprint("key-one-0123456789")
    assert rate_client(owner, "10.0.0.1") == f"key:{owner}"
    assert rate_client(None, "10.0.0.1") == "ip:10.0.0.1"


def test_same_content_from_two_tenants_is_two_articles() -> None:
    submission = ArticleSubmission(text="The council met on Monday.")
    one, two = fingerprint("key-one-0123456789"), fingerprint("key-two-0123456789")
    assert article_id(submission, one) != article_id(submission, two)
    assert article_id(submission, one) == article_id(submission, one)
    assert article_id(submission, None) not in (
        article_id(submission, one),
        article_id(submission, two),
    )


def _record(owner: str | None, callback_url: str | None) -> ArticleResult:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return ArticleResult(
        id="a_1",
        run_id="r",
        content_type="text",
        submitted_at=now,
        updated_at=now,
        owner=owner,
        callback_url=callback_url,
    )


def test_only_the_owner_sees_a_record_and_never_the_callback_credentials() -> None:
    owner = fingerprint("key-one-0123456789")
    record = _record(owner, "https://user:pw@hooks.example/n?token=t0k&team=7")
    assert visible(record, fingerprint("key-two-0123456789")) is None
    assert visible(record, None) is None  # an unowned caller does not see an owned record
    shown = visible(record, owner)
    assert shown is not None
    assert shown.callback_url == "https://***@hooks.example/n?token=***&team=7"
    assert record.callback_url is not None and "pw" in record.callback_url  # delivery keeps it
    assert visible(None, owner) is None
    plain = _record(None, "https://hooks.example/n")
    assert visible(plain, None) == plain
