"""Which secrets a process refuses to start with: placeholders always, missing ones in production.

A copied ``.env.example`` still holds ``change-me`` values; a stack started from it would run with
credentials anyone can read in the repository. Settings call ``secret_problems`` at load, so every
process (gateway, workers, collector, Flower) stops at start with the variables to fix. Messages
name the variable, never its value.
"""

import re
from typing import Final
from urllib.parse import parse_qs, urlsplit

# Values no operator means as a secret: the ones .env.example and common templates ship with,
# compared lower-case with punctuation removed ("Change_Me" == "change-me").
PLACEHOLDER_PARTS: Final = ("changeme", "changethis", "replaceme", "yoursecret", "yourpassword")
PLACEHOLDER_VALUES: Final = frozenset({"secret", "password", "placeholder", "todo", "xxx"})
# SQLAlchemy URL schemes of PostgreSQL (``postgresql+psycopg://``: dialect, then driver).
POSTGRES_DIALECTS: Final = frozenset({"postgresql", "postgres"})


def is_placeholder(value: str) -> bool:
    normalized = re.sub(r"[^a-z0-9]", "", value.lower())
    return normalized in PLACEHOLDER_VALUES or any(p in normalized for p in PLACEHOLDER_PARTS)


def url_password(url: str) -> str:
    """The password of ``redis://[user]:password@host...``; empty when there is none."""
    try:
        return urlsplit(url).password or ""
    except ValueError:
        return ""


def is_postgres_url(url: str) -> bool:
    return url.partition("://")[0].partition("+")[0].lower() in POSTGRES_DIALECTS


def database_password(url: str) -> str:
    """The password of a PostgreSQL URL: its user info, else a ``?password=`` connection option
    (SQLAlchemy hands query options to the driver); empty when there is none."""
    password = url_password(url)
    if password:
        return password
    try:
        return parse_qs(urlsplit(url).query).get("password", [""])[-1]
    except ValueError:
        return ""


def secret_problems(
    *,
    production: bool,
    redis_url: str,
    database_url: str,
    api_keys: list[str],
    callback_secret: str,
    flower_basic_auth: str,
    fault_injection: bool,
) -> list[str]:
    """What is wrong with the secrets, one sentence per variable; empty when the process may start.

    Empty secrets stay allowed where empty means "feature off" (no API keys, no callbacks); only
    the Redis and PostgreSQL passwords are required in production, where each server is shared
    over the network. A SQLite archive is a local file: it has no password to check.
    """
    problems = []
    redis_password = url_password(redis_url)
    if is_placeholder(redis_password):
        problems.append("REDIS_URL carries a placeholder password (set REDIS_PASSWORD in .env)")
    elif production and not redis_password:
        problems.append("REDIS_URL has no password, which production requires (REDIS_PASSWORD)")
    if is_postgres_url(database_url):
        postgres_password = database_password(database_url)
        if is_placeholder(postgres_password):
            problems.append(
                "DATABASE_URL carries a placeholder password (set POSTGRES_PASSWORD in .env)"
            )
        elif production and not postgres_password:
            problems.append("DATABASE_URL has no password, which production requires")
    if any(is_placeholder(key) for key in api_keys):
        problems.append("API_KEYS holds a placeholder key")
    if is_placeholder(callback_secret):
        problems.append("CALLBACK_SECRET is a placeholder")
    if is_placeholder(flower_basic_auth.partition(":")[2]):
        problems.append("FLOWER_BASIC_AUTH has a placeholder password")
    if production and fault_injection:
        problems.append("FAULT_INJECTION is test-only and refused in production")
    return problems
