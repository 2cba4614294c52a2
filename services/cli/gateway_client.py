"""How the CLI's corpus commands reach a gateway: its URL and API key from the environment.

``NEWSFLOW_GATEWAY`` (default the local ``make dev`` gateway) and ``NEWSFLOW_API_KEY``: the key
is read from the environment only, never from a flag, so it never shows in ``ps`` or history.
A problem+json answer becomes one readable line on stderr and exit status 1.
"""

import argparse
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

DEFAULT_GATEWAY = "http://127.0.0.1:8000"
TIMEOUT_SECONDS = 30.0


class GatewayError(Exception):
    """The gateway refused or failed: the message is what to show the user."""


def add_gateway_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--gateway",
        default=os.environ.get("NEWSFLOW_GATEWAY", DEFAULT_GATEWAY),
        help="gateway URL (env NEWSFLOW_GATEWAY); the API key comes from NEWSFLOW_API_KEY",
    )
    parser.add_argument("--json", action="store_true", help="print the gateway's JSON as is")


def client(args: argparse.Namespace) -> httpx.Client:
    key = os.environ.get("NEWSFLOW_API_KEY")
    headers = {"X-API-Key": key} if key else {}
    return httpx.Client(base_url=args.gateway, headers=headers, timeout=TIMEOUT_SECONDS)


def params(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v != ""}


def _explain(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code}: {response.text[:200]}"
    reasons = "; ".join(f"{e['field']}: {e['reason']}" for e in body.get("errors", []))
    return f"{response.status_code} {body.get('title', '')}: {reasons or body.get('detail', '')}"


def get_json(args: argparse.Namespace, path: str, query: dict[str, Any]) -> Any:
    try:
        with client(args) as http:
            response = http.get(path, params=query)
    except httpx.HTTPError as exc:
        raise GatewayError(f"cannot reach the gateway at {args.gateway}: {exc}") from exc
    if response.status_code >= 400:
        raise GatewayError(_explain(response))
    return response.json()


@contextmanager
def stream(args: argparse.Namespace, path: str, query: dict[str, Any]) -> Iterator[httpx.Response]:
    try:
        with client(args) as http, http.stream("GET", path, params=query) as response:
            if response.status_code >= 400:
                response.read()
                raise GatewayError(_explain(response))
            yield response
    except httpx.HTTPError as exc:
        raise GatewayError(f"cannot reach the gateway at {args.gateway}: {exc}") from exc


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
