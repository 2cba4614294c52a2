"""Compose-file value syntax read by the tests: interpolation, sizes (512m), durations (100s)."""

import re
from typing import Any

VARIABLE = re.compile(r"\$\$|\$\{(\w+)(?:(:?[-?])([^}]*))?\}")
SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*([kmg]?)b?$", re.IGNORECASE)
DURATION = re.compile(r"^(?:(\d+)m)?(?:(\d+)s?)?$")


def interpolate(value: str, env: dict[str, str]) -> str:
    """``${VAR}``, ``${VAR:-default}``, ``${VAR:?error}`` (KeyError when unset or empty), ``$$``."""

    def one(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, operator, argument = match.groups()
        current = env.get(name, "")
        if operator in (":?", "?") and not current:
            raise KeyError(f"{name}: {argument}")
        return current or (argument if operator in (":-", "-") else "")

    return VARIABLE.sub(one, value)


def service_env(service: dict[str, Any], env: dict[str, str]) -> dict[str, str]:
    """A service's ``environment`` block, interpolated."""
    return {k: interpolate(str(v), env) for k, v in service.get("environment", {}).items()}


def to_bytes(size: str) -> int:
    match = SIZE.match(str(size).strip())
    if not match:
        raise ValueError(f"not a size: {size!r}")
    return int(float(match[1]) * 1024 ** " kmg".index((match[2] or " ").lower()))


def to_seconds(duration: str) -> int:
    match = DURATION.match(str(duration).strip())
    if not match or not match[0]:
        raise ValueError(f"not a duration: {duration!r}")
    return int(match[1] or 0) * 60 + int(match[2] or 0)
