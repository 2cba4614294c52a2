"""``newsflow watchlists``: saved queries over new articles; each match raises an alert
(``newsflow alerts``). The /watchlists endpoints."""

import json
import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Column, Table

from services.cli.session import USAGE, Json, exits, fail, session
from services.cli.sources import usage_errors
from shared.models.watchlists import Watchlist, WatchlistCreate, WatchQuery

out = Console()
app = typer.Typer(
    name="watchlists",
    help="Saved queries over new articles: add, list, remove. Their alerts: newsflow alerts.",
    no_args_is_help=True,
)
OPTIONS = {
    "name": "NAME",
    "entities": "--entity",
    "keywords": "--keyword",
    "places": "--place",
    "types": "--type",
    "sources": "--source",
    "language": "--language",
    "webhook_url": "--webhook",
}
Many = list[str] | None


def place_area(value: str) -> dict[str, Any]:
    """``LAT,LON,RADIUS_KM[,LABEL]`` as a place's fields (checked by PlaceArea, not here); the
    label may itself hold commas."""
    parts = [p.strip() for p in value.split(",", 3)]
    if len(parts) < 3:
        raise ValueError(f"{value!r}: give LAT,LON,RADIUS_KM[,LABEL]")
    area: dict[str, Any] = dict(zip(("lat", "lon", "radius_km"), parts[:3], strict=True))
    if len(parts) == 4 and parts[3]:
        area["label"] = parts[3]
    return area


def query_terms(query: WatchQuery) -> str:
    """A watchlist's query on one line, grouped as it matches: ANDed groups of ORed terms."""
    groups = [
        ("entity", query.entities),
        ("type", query.types),
        ("keyword", query.keywords),
        ("place", [p.term() for p in query.places]),
        ("source", query.sources),
        ("language", [query.language] if query.language else []),
    ]
    return "; ".join(f"{name}: {' | '.join(terms)}" for name, terms in groups if terms)


def watchlists_table(found: Sequence[Watchlist]) -> Table:
    table = Table("name", "query", "webhook", "active")
    table.columns.insert(0, Column("id", no_wrap=True))
    for watchlist in found:
        table.add_row(
            watchlist.id,
            watchlist.name,
            query_terms(watchlist.query),
            str(watchlist.webhook_url or "-"),
            "yes" if watchlist.active else "no",
        )
    return table


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="what to call it")],
    entity: Annotated[Many, typer.Option(help="an entity key (ORG:iaea) or a name")] = None,
    keyword: Annotated[Many, typer.Option(help="a word or phrase, whole-word")] = None,
    place: Annotated[Many, typer.Option(help="LAT,LON,RADIUS_KM[,LABEL]")] = None,
    entity_type: Annotated[Many, typer.Option("--type", help="PERSON, ORG, GPE, ...")] = None,
    source: Annotated[Many, typer.Option(help="a source name or host")] = None,
    language: Annotated[str | None, typer.Option(help="ISO 639-1")] = None,
    webhook: Annotated[str | None, typer.Option(help="URL each alert is POSTed to")] = None,
    json_out: Json = False,
) -> None:
    """Watch new articles: newsflow watchlists add "Iran" --entity ORG:iaea --keyword Natanz
    (options repeat: any term of a kind matches; every kind given must)."""
    options = session(ctx, json_out)
    try:
        places = [place_area(p) for p in place or []]
    except ValueError as exc:
        fail(USAGE, f"--place: {exc}")
    query: dict[str, Any] = {
        "entities": entity or [],
        "keywords": keyword or [],
        "places": places,
        "types": entity_type or [],
        "sources": source or [],
    }
    if language is not None:
        query["language"] = language
    body: dict[str, Any] = {"name": name, "query": query}
    if webhook is not None:
        body["webhook_url"] = webhook
    try:
        spec = WatchlistCreate.model_validate(body)
    except ValidationError as exc:
        fail(USAGE, usage_errors(exc, OPTIONS))
    with exits(), options.client() as client:
        watchlist = client.add_watchlist(spec)
    if options.json:
        sys.stdout.write(watchlist.model_dump_json() + "\n")
        return
    out.print(f"watchlist [bold]{watchlist.name}[/] is {watchlist.id}: {query_terms(spec.query)}")


@app.command("list")
def list_watchlists(ctx: typer.Context, json_out: Json = False) -> None:
    """Your watchlists and what each looks for."""
    options = session(ctx, json_out)
    with exits(), options.client() as client:
        found = client.watchlists()
    if options.json:
        sys.stdout.write(json.dumps([w.model_dump(mode="json") for w in found]) + "\n")
    elif not found:
        out.print("no watchlists")
    else:
        out.print(watchlists_table(found))


@app.command("remove")
def remove(
    ctx: typer.Context, watchlist_id: Annotated[str, typer.Argument(help="a watchlist id")]
) -> None:
    """Remove a watchlist and its alerts."""
    options = session(ctx)
    with exits(), options.client() as client:
        client.remove_watchlist(watchlist_id)
    out.print(f"{watchlist_id}: removed")
