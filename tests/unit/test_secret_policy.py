"""Placeholder and missing secrets stop a process at start, naming the variable, not the value."""

import logging

import pytest
from pydantic import ValidationError

from shared.redact import install_log_redaction
from shared.secret_policy import database_password, is_placeholder, url_password
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


POSTGRES_URL = f"postgresql+psycopg://newsflow:{REAL_PASSWORD}@postgres:5432/newsflow"


def test_password_is_read_from_a_postgres_url() -> None:
    assert database_password(POSTGRES_URL) == REAL_PASSWORD
    query_form = f"postgresql+psycopg://newsflow@db/newsflow?password={REAL_PASSWORD}"
    assert database_password(query_form) == REAL_PASSWORD
    assert database_password("postgresql+psycopg://newsflow@postgres:5432/newsflow") == ""


def test_a_placeholder_database_password_is_refused_in_every_mode() -> None:
    url = "postgresql+psycopg://newsflow:change-me@postgres:5432/newsflow"
    message = refusal(database_url=url)
    assert "DATABASE_URL carries a placeholder password" in message


def test_production_requires_a_postgres_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSFLOW_ENV", "production")
    monkeypatch.setenv("REDIS_URL", f"redis://:{REAL_PASSWORD}@redis:6379/0")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://newsflow@postgres:5432/newsflow")
    with pytest.raises(ValidationError, match="DATABASE_URL has no password"):
        Settings()
    monkeypatch.setenv("DATABASE_URL", POSTGRES_URL)
    assert Settings().database_url == POSTGRES_URL


def test_a_sqlite_archive_needs_no_password_even_in_production() -> None:
    redis_url = f"redis://:{REAL_PASSWORD}@redis:6379/0"
    settings = Settings(
        newsflow_env="production", redis_url=redis_url, database_url="sqlite:///data/n.db"
    )
    assert settings.database_url.startswith("sqlite")


def test_the_database_password_is_never_printed(caplog: pytest.LogCaptureFixture) -> None:
    """Neither in a refusal nor in a log line that shows the URL (every process installs the
    redaction: services/gateway/app.py, shared/celery_app.py)."""
    message = refusal(database_url=POSTGRES_URL, callback_secret="change-me")
    assert REAL_PASSWORD not in message and "CALLBACK_SECRET" in message
    install_log_redaction()
    with caplog.at_level(logging.INFO):
        logging.getLogger("newsflow.test").info("archive at %s", POSTGRES_URL)
    assert REAL_PASSWORD not in caplog.text
    assert "postgresql+psycopg://***@postgres:5432/newsflow" in caplog.text
