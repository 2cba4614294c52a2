"""``newsflow sources``: follow feeds and news sitemaps, see how their polling goes, and what
their items became (the /sources endpoints)."""

import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text

from services.cli.session import USAGE, Json, exits, fail, session
from shared.models.sources import FeedItemRecord, Source, SourceCreate, SourcePatch

SHOWN_ITEMS = 20  # newest items ``sources show`` lists: a screenful
ERROR_CHARS = 60  # of a poll error in the table; ``show`` prints it whole
STATUS_STYLE = {"ok": "green", "not_modified": "green", "error": "red"}
out = Console()
app = typer.Typer(
    name="sources",
    help="Followed feeds and news sitemaps: add, list, show, poll, pause, resume, remove.",
    no_args_is_help=True,
)

SourceId = Annotated[str, typer.Argument(help="a source id (newsflow sources list)")]


def usage_errors(exc: ValidationError, options: dict[str, str]) -> str:
    """A model's validation errors named by the options that fed them (``--interval: ...``)."""
    reasons = []
    for error in exc.errors():
        field = next((str(part) for part in error["loc"] if str(part) in options), None)
        name = options[field] if field else ".".join(map(str, error["loc"])) or "input"
        reasons.append(f"{name}: {error['msg']}")
    return "; ".join(reasons)


def status_of(source: Source) -> Text:
    """What a reader scans the table for: paused, never polled yet, or how the last poll went."""
    if not source.active:
        return Text("paused", style="yellow")
    status = source.health.last_status
    if status is None:
        return Text("pending", style="dim")
    errors = source.health.consecutive_errors
    label = f"error ×{errors}" if status == "error" and errors > 1 else status
    return Text(label, style=STATUS_STYLE.get(status, ""))


def when(moment: datetime | None, now: datetime) -> str:
    """A time as its distance from now ("3 min ago", "in 12 s"): what matters of a poll's time."""
    if moment is None:
        return "-"
    seconds = (moment - now).total_seconds()
    size = abs(seconds)
    span = (
        f"{size:.0f} s"
        if size < 90
        else f"{size / 60:.0f} min"
        if size < 90 * 60
        else f"{size / 3600:.0f} h"
        if size < 36 * 3600
        else f"{size / 86400:.0f} d"
    )
    return f"in {span}" if seconds > 0 else f"{span} ago"


def clipped(text: str | None, limit: int) -> str:
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sources_table(found: Sequence[Source], now: datetime) -> Table:
    table = Table(
        Column("id", no_wrap=True),
        Column("source", overflow="fold"),
        Column("status", no_wrap=True),
        "last poll",
        "items",
        "next poll",
        "error / notes",
    )
    for source in found:
        health = source.health
        items = (
            f"{health.items_last_poll} ({health.new_last_poll} new), {health.items_submitted} total"
        )
        remarks = health.last_error or "; ".join(health.notes)
        table.add_row(
            source.id,
            Text(source.title or source.url)
            + Text(f"\n{source.url}" if source.title else "", "dim"),
            status_of(source),
            when(health.last_polled_at, now),
            items,
            when(health.next_poll_at, now) if source.active else "-",
            Text(clipped(remarks, ERROR_CHARS), style="red" if health.last_error else "dim"),
        )
    table.caption = "items: read at the last poll (new of them), and submitted all time"
    return table


def source_view(source: Source, items: Sequence[FeedItemRecord], now: datetime) -> Table:
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    health = source.health
    head.add_row("source", f"{source.id}  {source.title or ''}")
    head.add_row("url", source.url)
    head.add_row("kind", f"{source.kind or '?'}, every {source.interval_seconds} s")
    head.add_row("language, tags", f"{source.language or '-'}; {', '.join(source.tags) or '-'}")
    head.add_row("status", status_of(source))
    head.add_row("last poll", when(health.last_polled_at, now))
    head.add_row("last success", when(health.last_success_at, now))
    head.add_row("next poll", when(health.next_poll_at, now) if source.active else "paused")
    head.add_row(
        "items",
        f"{health.items_last_poll} at the last poll, {health.new_last_poll} new; "
        f"{health.items_submitted} submitted all time",
    )
    if health.last_error:
        head.add_row("error", Text(health.last_error, style="red"))
    for note in health.notes:
        head.add_row("note", note)
    listed = Table(
        "first seen",
        Column("item", overflow="fold"),
        "outcome",
        Column("article", no_wrap=True),
        "runs",
        title="newest items",
    )
    for item in items:
        outcome = item.outcome + (f": {item.reason}" if item.reason else "")
        listed.add_row(
            when(item.first_seen_at, now),
            Text(item.title or item.url) + Text(f"\n{item.url}" if item.title else "", "dim"),
            Text(outcome, style="red" if item.outcome == "refused" else ""),
            item.article_id or "-",
            str(item.runs),
        )
    grid = Table.grid()
    grid.add_row(head)
    grid.add_row(listed if items else Text("no items yet", style="dim"))
    return grid


def _dump(model: BaseModel) -> None:
    sys.stdout.write(model.model_dump_json() + "\n")


@app.command("add")
def add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="an RSS, Atom or JSON Feed URL, or a news sitemap")],
    interval: Annotated[int, typer.Option(help="seconds between polls (60 .. 604800)")] = 900,
    language: Annotated[str | None, typer.Option(help="ISO 639-1 hint for its articles")] = None,
    tag: Annotated[list[str] | None, typer.Option(help="a tag (repeat for more)")] = None,
    json_out: Json = False,
) -> None:
    """Follow a feed: newsflow sources add https://example.com/rss.xml --tag world"""
    options = session(ctx, json_out)
    given = {"url": url, "interval_seconds": interval, "tags": tag or []}
    try:
        spec = SourceCreate.model_validate(
            given | ({"language": language} if language is not None else {})
        )
    except ValidationError as exc:
        names = {"url": "URL", "interval_seconds": "--interval", "language": "--language"}
        fail(USAGE, usage_errors(exc, names | {"tags": "--tag"}))
    with exits(), options.client() as client:
        source = client.add_source(spec)
    if options.json:
        return _dump(source)
    out.print(f"following [bold]{source.url}[/] as {source.id}; its first poll is due now")


@app.command("list")
def list_sources(
    ctx: typer.Context,
    tag: Annotated[str | None, typer.Option(help="only sources with this tag")] = None,
    json_out: Json = False,
) -> None:
    """The sources followed, with how their polling goes."""
    options = session(ctx, json_out)
    with exits(), options.client() as client:
        found = client.sources(tag)
    if options.json:
        sys.stdout.write(json.dumps([s.model_dump(mode="json") for s in found]) + "\n")
        return
    if not found:
        out.print("no sources followed" + (f" with tag {tag}" if tag else ""))
        return
    out.print(sources_table(found, datetime.now(UTC)))


@app.command("show")
def show(
    ctx: typer.Context,
    source_id: SourceId,
    limit: Annotated[int, typer.Option(help="newest items to list (1-200)")] = SHOWN_ITEMS,
    json_out: Json = False,
) -> None:
    """One source's health and its newest items, with the article each became."""
    options = session(ctx, json_out)
    with exits(), options.client() as client:
        source = client.source(source_id)
        items = client.source_items(source_id, limit)
    if options.json:
        body = {"source": source.model_dump(mode="json")}
        sys.stdout.write(
            json.dumps(body | {"items": [i.model_dump(mode="json") for i in items]}) + "\n"
        )
        return
    out.print(source_view(source, items, datetime.now(UTC)))


@app.command("poll")
def poll(ctx: typer.Context, source_id: SourceId, json_out: Json = False) -> None:
    """Poll a source now rather than at its next turn."""
    options = session(ctx, json_out)
    with exits(), options.client() as client:
        source = client.poll_source(source_id)
    if options.json:
        return _dump(source)
    out.print(f"{source.id}: poll requested (see newsflow sources show {source.id})")


def _set_active(ctx: typer.Context, source_id: str, active: bool, json_out: bool) -> None:
    options = session(ctx, json_out)
    with exits(), options.client() as client:
        source = client.change_source(source_id, SourcePatch(active=active))
    if options.json:
        return _dump(source)
    out.print(f"{source.id}: {'resumed' if source.active else 'paused'}")


@app.command("pause")
def pause(ctx: typer.Context, source_id: SourceId, json_out: Json = False) -> None:
    """Stop polling a source, keeping it and its items."""
    _set_active(ctx, source_id, False, json_out)


@app.command("resume")
def resume(ctx: typer.Context, source_id: SourceId, json_out: Json = False) -> None:
    """Poll a paused source again."""
    _set_active(ctx, source_id, True, json_out)


@app.command("remove")
def remove(ctx: typer.Context, source_id: SourceId) -> None:
    """Stop following a source; the articles it brought stay in the archive."""
    options = session(ctx)
    with exits(), options.client() as client:
        client.remove_source(source_id)
    out.print(f"{source_id}: removed")
