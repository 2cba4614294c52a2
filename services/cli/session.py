"""What every gateway command shares: where the gateway is, the API key, the exit codes, and how
a failure becomes one readable line on stderr.

Exit codes a script can rely on: 0 done; 1 the gateway refused (a problem: bad input, bad key,
rate limit); 2 bad usage; 3 the gateway cannot be reached (or kept answering 503); 4 no such
article, entity or story; 5 an article failed; 6 timed out waiting.
"""

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from services.cli.client import DEFAULT_GATEWAY, NewsflowClient, Refused, Unreachable

OK, REFUSED, USAGE, UNREACHABLE, NOT_FOUND, FAILED, TIMED_OUT = range(7)
err = Console(stderr=True)


@dataclass(frozen=True)
class Session:
    gateway: str
    json: bool

    def client(self) -> NewsflowClient:
        # The key from the environment only: never a flag, so never in `ps` or shell history.
        return NewsflowClient(self.gateway, api_key=os.environ.get("NEWSFLOW_API_KEY") or None)


Json = Annotated[bool, typer.Option("--json", help="JSON for scripts, not tables")]


def session(ctx: typer.Context, json: bool = False) -> Session:
    """The app's options, with a command's own ``--json`` (either place works)."""
    found = ctx.find_object(Session)
    if found is None:  # a command called without the app's callback (tests)
        found = Session(os.environ.get("NEWSFLOW_GATEWAY", DEFAULT_GATEWAY), False)
    return Session(found.gateway, found.json or json)


def fail(code: int, message: str) -> NoReturn:
    err.print(f"[bold red]newsflow:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def exits() -> Iterator[None]:
    """Client errors as exit codes and one line each."""
    try:
        yield
    except Unreachable as exc:
        fail(UNREACHABLE, str(exc))
    except Refused as exc:
        if exc.status == 404:
            fail(NOT_FOUND, str(exc))
        if exc.status == 401:
            fail(REFUSED, f"{exc} (set NEWSFLOW_API_KEY to a key the gateway accepts)")
        fail(UNREACHABLE if exc.status >= 500 else REFUSED, str(exc))
    except TimeoutError as exc:
        fail(TIMED_OUT, str(exc))


def print_json(text: str) -> None:
    sys.stdout.write(text + "\n")


Command = Callable[..., None]
