"""Placeholder and missing secrets stop a process at start, naming the variable, not the value."""

import pytest
from pydantic import ValidationError

from shared.secret_policy import is_placeholder, url_password
from shared.settings import Settings

REAL_PASSWORD = "9f2c1e7a4b0d"


def refusal(**fields: object) -> str:
    with pytest.raises(ValidationError) as refused:
        Settings(**fields)  # type: ignore[arg-type]
    return str(refused.value)


def test_development_needs_no_secret() -> None:
    settings = Settings()
    assert settings.newsflow_env == "development"
    assert Settings(redis_url="redis://127.0.0.1:6390/0").redis_url.endswith(":6390/0")


@pytest.mark.parametrize("value", ["change-me", "CHANGE_ME", "changeme", "please-change-me"])
def test_change_me_in_any_spelling_is_a_placeholder(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["", REAL_PASSWORD, "exchange-rate-42", "newsflow"])
def test_real_values_are_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)


def test_password_is_read_from_a_redis_url() -> None:
    assert url_password(f"redis://:{REAL_PASSWORD}@redis:6379/0") == REAL_PASSWORD
    assert url_password(f"redis://default:{REAL_PASSWORD}@redis:6379/0") == REAL_PASSWORD
    assert url_password("redis://redis:6379/0") == ""


def test_each_placeholder_secret_is_refused_by_name_in_every_mode() -> None:
    assert "CALLBACK_SECRET" in refusal(callback_secret="change-me")
    assert "REDIS_URL" in refusal(redis_url="redis://:change-me@redis:6379/0")
    assert "FLOWER_BASIC_AUTH" in refusal(flower_basic_auth="admin:change-me")
    assert "API_KEYS" in refusal(api_keys=[REAL_PASSWORD, "change-me"])


def test_the_refusal_never_prints_a_secret() -> None:
    message = refusal(api_keys=[REAL_PASSWORD, "change-me"], callback_secret="change-me")
    assert REAL_PASSWORD not in message
    assert "API_KEYS" in message and "CALLBACK_SECRET" in message


def test_production_requires_a_redis_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSFLOW_ENV", "production")
    monkeypatch.setenv("REDIS_URL", "redis://redis:6379/0")
    with pytest.raises(ValidationError, match="REDIS_URL has no password"):
        Settings()
    monkeypatch.setenv("REDIS_URL", f"redis://:{REAL_PASSWORD}@redis:6379/0")
    assert Settings().newsflow_env == "production"


def test_production_refuses_fault_injection() -> None:
    url = f"redis://:{REAL_PASSWORD}@redis:6379/0"
    assert "FAULT_INJECTION" in refusal(
        newsflow_env="production", redis_url=url, fault_injection=True
    )
    assert Settings(redis_url=url, fault_injection=True).fault_injection  # tests run it locally
