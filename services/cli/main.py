"""The ``newsflow`` command: submit and read articles, search the corpus, evaluate quality.

Gateway commands (``submit``, ``show``, ``watch``, ``search``, ``entities``, ``stories``,
``export``, ``sources``, ``watchlists``, ``alerts``) talk to the gateway named by ``--gateway`` /
``NEWSFLOW_GATEWAY`` with the key in ``NEWSFLOW_API_KEY``; ``db`` and ``reindex`` work on
``DATABASE_URL``; ``eval`` runs the quality measurements of docs/extraction.md and
docs/summarization.md. Exit codes: services/cli/session.py.
"""

import argparse
import importlib
from collections.abc import Sequence
from typing import Annotated

import typer

from services.cli import alerts, db, entities, export, search, sources, stories, submit, watchlists
from services.cli.client import DEFAULT_GATEWAY
from services.cli.session import Session

# subcommand of "eval" -> module with `add_arguments(parser)` and `run(args) -> int`
EVAL_COMMANDS: dict[str, str] = {
    "summaries": "services.cli.eval_summaries",
    "ner": "services.cli.eval_ner",
    "dates": "services.cli.eval_dates",
    "places": "services.cli.eval_places",
    "quotes": "services.cli.eval_quotes",
    "stories": "services.cli.eval_stories",
}

HELP = (
    "Submit and read news articles, search the corpus, measure quality. Gateway commands use "
    "--gateway (or NEWSFLOW_GATEWAY) and the API key in NEWSFLOW_API_KEY; db and reindex use "
    "DATABASE_URL. Exit codes: 0 ok, 1 refused, 2 usage, 3 gateway unreachable, 4 not found, "
    "5 an article failed, 6 timed out."
)
app = typer.Typer(
    name="newsflow",
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def options(
    ctx: typer.Context,
    gateway: Annotated[
        str, typer.Option(envvar="NEWSFLOW_GATEWAY", help="the gateway's URL")
    ] = DEFAULT_GATEWAY,
    json: Annotated[bool, typer.Option("--json", help="JSON for scripts, not tables")] = False,
) -> None:
    ctx.obj = Session(gateway, json)


submit.register(app)
for command in (
    search.search,
    entities.entities,
    stories.stories,
    alerts.alerts,
    export.export,
    db.db,
    db.reindex,
):
    app.command()(command)
app.add_typer(sources.app)
app.add_typer(watchlists.app)


def eval_parser() -> argparse.ArgumentParser:
    """``eval`` keeps its argparse modules: each measurement declares its own options."""
    parser = argparse.ArgumentParser(prog="newsflow eval", description="measure quality")
    targets = parser.add_subparsers(dest="target", required=True)
    for name, module_name in EVAL_COMMANDS.items():
        module = importlib.import_module(module_name)
        sub = targets.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0])
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


@app.command(
    "eval",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def evaluate(ctx: typer.Context) -> None:
    """Measure quality against annotated data: newsflow eval ner|dates|places|quotes|summaries"""
    args = eval_parser().parse_args(ctx.args)
    raise typer.Exit(args.run(args))


def main(argv: Sequence[str] | None = None) -> int:
    """The console script; returns the exit code (services/cli/session.py lists them)."""
    try:
        app(args=list(argv) if argv is not None else None, prog_name="newsflow")
    except SystemExit as exc:  # Typer always ends this way: the code is the command's
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
