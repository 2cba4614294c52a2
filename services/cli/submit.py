"""``newsflow submit``, ``show`` and ``watch``: send articles, read one, follow one live.

``submit`` takes files (``.txt`` as text, ``.html``/``.htm`` as HTML), directories (their such
files, sorted) and URLs, shows a progress bar while it sends them and, with ``--wait``, while they
finish. ``--json`` prints JSON Lines for scripts instead.
"""

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.cli.client import FINAL
from services.cli.render import show as render
from services.cli.session import FAILED, USAGE, Json, exits, fail, session
from shared.models import ArticleResult, SubmitResponse

KINDS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html"}
WAIT_SECONDS = 300.0
out = Console()


def bodies(sources: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """(label, submission body) per article named by the arguments, in order."""
    found: list[tuple[str, dict[str, Any]]] = []
    for source in sources:
        if source.startswith(("http://", "https://")):
            found.append((source, {"url": source}))
            continue
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix.lower() in KINDS and p.is_file())
        elif path.is_file():
            files = [path]
        else:
            fail(USAGE, f"{source}: no such file or directory, and not an http(s) URL")
        for file in files:
            kind = KINDS.get(file.suffix.lower(), "text")
            found.append((str(file), {kind: file.read_text(encoding="utf-8"), "source": file.name}))
    if not found:
        fail(USAGE, "nothing to submit: no .txt or .html files there")
    return found


def _bar(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def submit(
    ctx: typer.Context,
    sources: Annotated[list[str], typer.Argument(help="files, directories or http(s) URLs")],
    wait: Annotated[bool, typer.Option("--wait", help="wait until every article is done")] = False,
    force: Annotated[bool, typer.Option("--force", help="run again even if known")] = False,
    timeout: Annotated[float, typer.Option(help="seconds --wait waits")] = WAIT_SECONDS,
    json_out: Json = False,
) -> None:
    """Submit articles (files, directories, URLs); --wait follows them to the end."""
    options = session(ctx, json_out)
    items = bodies(sources)
    accepted: list[tuple[str, SubmitResponse]] = []
    console = Console(stderr=True, quiet=options.json)
    with exits(), options.client() as client, _bar(console) as bar:
        sending = bar.add_task("submitted", total=len(items))
        for label, body in items:
            accepted.append((label, client.submit(body, force=force)))
            bar.advance(sending)
        results: dict[str, ArticleResult] = {}
        if wait:
            finishing = bar.add_task("finished ", total=len(accepted))
            for _, answer in accepted:
                results[answer.id] = client.wait(answer.id, timeout)
                bar.advance(finishing)
    failed = sum(r.status == "failed" for r in results.values())
    if options.json:
        for label, answer in accepted:
            line: dict[str, Any] = {"source": label, **answer.model_dump()}
            if answer.id in results:
                line["status"] = results[answer.id].status
            sys.stdout.write(json.dumps(line) + "\n")
    elif wait and len(results) == 1:
        render(out, next(iter(results.values())))
    else:
        table = Table("source", "id", "status")
        for label, answer in accepted:
            status = results[answer.id].status if answer.id in results else answer.status
            table.add_row(label, answer.id, status + (" (known)" if answer.duplicate else ""))
        out.print(table)
    if failed:
        raise typer.Exit(FAILED)


def show(
    ctx: typer.Context,
    article_id: Annotated[str, typer.Argument(help="an article id")],
    json_out: Json = False,
) -> None:
    """One article, readable: entities, places, dates, quotes, summary."""
    options = session(ctx, json_out)
    with exits(), options.client() as client:
        result = client.article(article_id)
    if options.json:
        sys.stdout.write(result.model_dump_json(exclude={"owner"}, indent=2) + "\n")
    else:
        render(out, result)
    if result.status == "failed":
        raise typer.Exit(FAILED)


def watch(
    ctx: typer.Context,
    article_id: Annotated[str, typer.Argument(help="an article id")],
    json_out: Json = False,
) -> None:
    """Follow an article's events live until it is done or failed."""
    options = session(ctx, json_out)
    last = None
    with exits(), options.client() as client:
        for event in client.events(article_id):
            last = event
            if options.json:
                sys.stdout.write(event.model_dump_json() + "\n")
                sys.stdout.flush()
                continue
            what = f"{event.stage} {event.type}" if event.stage else event.type
            colour = (
                "red" if "failed" in event.type else "green" if event.type == "done" else "cyan"
            )
            reason = f": {event.error.message}" if event.error else ""
            out.print(f"{event.at:%H:%M:%S.%f}"[:-3] + f"  [{colour}]{what}[/]{reason}")
    if last is not None and last.type == "failed":
        raise typer.Exit(FAILED)
    if last is None or last.type not in FINAL:
        fail(FAILED, "the event stream ended before the article finished")


def register(app: typer.Typer) -> None:
    app.command()(submit)
    app.command()(show)
    app.command()(watch)
