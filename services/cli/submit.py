"""``newsflow submit``, ``show`` and ``watch``: send articles, read one, follow one live.

``submit`` takes files (``.txt`` as text, ``.html``/``.htm`` as HTML), directories (their such
files, sorted) and URLs, shows a progress bar while it sends them and, with ``--wait``, while they
finish. ``--json`` prints JSON Lines for scripts instead. They go as batch submissions
(``POST /articles/batch``), which the pipeline carries several to a message, the cheap way in
for many articles (docs/performance.md); an article the gateway refuses is reported with its
reason, and the others go on.
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
from shared.cutting import cut
from shared.models import ArticleResult, BatchAccepted, BatchRejected

KINDS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html"}
WAIT_SECONDS = 300.0
# A request's articles by default, within the gateway's default MAX_BATCH_ARTICLES (100); and
# its bodies' bytes, well within the default MAX_BATCH_BYTES (20 MB).
BATCH_ARTICLES = 50
BATCH_BYTES = 4_000_000
Item = tuple[str, dict[str, Any]]  # (label, submission body)
out = Console()


def bodies(sources: list[str]) -> list[Item]:
    """(label, submission body) per article named by the arguments, in order."""
    found: list[Item] = []
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


def requests(items: list[Item], size: int, max_bytes: int = BATCH_BYTES) -> list[list[Item]]:
    """``items`` in order, cut into batch requests of at most ``size`` articles and, unless one
    article is larger on its own, ``max_bytes`` of JSON."""
    return cut(items, lambda item: len(json.dumps(item[1])), size, max_bytes)


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
    batch: Annotated[
        int, typer.Option(min=1, help="articles a request (the gateway's MAX_BATCH_ARTICLES)")
    ] = BATCH_ARTICLES,
    json_out: Json = False,
) -> None:
    """Submit articles (files, directories, URLs); --wait follows them to the end."""
    options = session(ctx, json_out)
    items = bodies(sources)
    sent: list[tuple[str, BatchAccepted | BatchRejected]] = []
    console = Console(stderr=True, quiet=options.json)
    with exits(), options.client() as client, _bar(console) as bar:
        sending = bar.add_task("submitted", total=len(items))
        for group in requests(items, batch):
            reply = client.submit_batch([body for _, body in group], force=force)
            by_index = {answer.index: answer for answer in reply.items}
            sent.extend((label, by_index[index]) for index, (label, _) in enumerate(group))
            bar.advance(sending, len(group))
        results: dict[str, ArticleResult] = {}
        accepted = [answer for _, answer in sent if isinstance(answer, BatchAccepted)]
        if wait:
            finishing = bar.add_task("finished ", total=len(accepted))
            for one in accepted:
                results[one.id] = client.wait(one.id, timeout)
                bar.advance(finishing)
    failed = sum(r.status == "failed" for r in results.values())
    rejected = len(sent) - len(accepted)
    if options.json:
        for label, answer in sent:
            sys.stdout.write(json.dumps({"source": label, **_line(answer, results)}) + "\n")
    elif wait and len(results) == 1 and not rejected:
        render(out, next(iter(results.values())))
    else:
        table = Table("source", "id", "status")
        for label, answer in sent:
            table.add_row(label, *_cells(answer, results))
        out.print(table)
    if failed or rejected:
        raise typer.Exit(FAILED)


def _line(item: BatchAccepted | BatchRejected, results: dict[str, ArticleResult]) -> dict[str, Any]:
    if isinstance(item, BatchRejected):
        return {"error": item.error.model_dump(exclude_none=True)}
    line = item.model_dump(exclude={"index"})
    if item.id in results:
        line["status"] = results[item.id].status
    return line


def _cells(item: BatchAccepted | BatchRejected, results: dict[str, ArticleResult]) -> list[str]:
    if isinstance(item, BatchRejected):
        errors = "; ".join(f"{e.field}: {e.reason}" for e in item.error.errors or [])
        return ["", f"[red]rejected[/]: {item.error.title}" + (f" ({errors})" if errors else "")]
    status = results[item.id].status if item.id in results else item.status
    return [item.id, status + (" (known)" if item.duplicate else "")]


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
