"""``newsflow entities``: the most mentioned entities, or one in depth (GET /entities)."""

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from services.cli.session import Json, exits, session

out = Console()


def entities(
    ctx: typer.Context,
    key: Annotated[
        str | None, typer.Argument(help="one entity: PERSON:xi-jinping, or a name")
    ] = None,
    entity_type: Annotated[str | None, typer.Option("--type", help="PERSON, ORG, GPE, ...")] = None,
    since: Annotated[str | None, typer.Option(help="ISO date or time")] = None,
    until: Annotated[str | None, typer.Option(help="ISO date (inclusive) or time")] = None,
    top: Annotated[int, typer.Option(help="how many (1-100)")] = 20,
    json_out: Json = False,
) -> None:
    """The most mentioned entities, or one with its co-mentions: newsflow entities [KEY]"""
    options = session(ctx, json_out)
    with exits(), options.client() as client:
        if key:
            detail = client.entity(key, since=since, until=until)
            if options.json:
                sys.stdout.write(detail.model_dump_json() + "\n")
                return
            out.print(
                f"[bold]{detail.name}[/] ({detail.key}): {detail.articles} articles, "
                f"{detail.mentions} mentions, seen {detail.first_seen:%Y-%m-%d} .. "
                f"{detail.last_seen:%Y-%m-%d}",
                highlight=False,
            )
            table = Table("often with", "type", "articles", "PMI")
            for co in detail.co_mentioned:
                table.add_row(co.name, co.type, str(co.articles), f"{co.pmi:+.2f}")
            out.print(table)
            return
        found = client.entities(type=entity_type, since=since, until=until, top=top)
    if options.json:
        sys.stdout.write(json.dumps([e.model_dump(mode="json") for e in found]) + "\n")
        return
    table = Table("articles", "mentions", "type", "name", "key")
    for entity in found:
        table.add_row(
            str(entity.articles), str(entity.mentions), entity.type, entity.name, entity.key
        )
    out.print(table)
