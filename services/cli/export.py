"""``newsflow export``: matching articles as JSON Lines or CSV, streamed (GET /export)."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from services.cli.search import Entity, Language, Place, Q, Since, StoryId, Type, Until, filters
from services.cli.session import Json, err, exits, session


def export(
    ctx: typer.Context,
    q: Q = None,
    entity: Entity = None,
    entity_type: Type = None,
    place: Place = None,
    since: Since = None,
    until: Until = None,
    language: Language = None,
    story: StoryId = None,
    fmt: Annotated[str, typer.Option("--format", help="jsonl or csv")] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="file (default stdout)")
    ] = None,
    json_out: Json = False,
) -> None:
    """Export matching articles: newsflow export --format csv --since 2024-05-01 -o may.csv"""
    options = session(ctx, json_out)
    chosen = filters(q, entity, entity_type, place, since, until, language, story)
    sink = output.open("wb") if output else sys.stdout.buffer
    written = 0
    try:
        with exits(), options.client() as client, client.export(chosen, fmt) as body:  # type: ignore[arg-type]
            for chunk in body:
                sink.write(chunk)
                written += len(chunk)
    finally:
        if output:
            sink.close()
    if output:
        err.print(f"wrote {written:,} bytes to {output}")
