"""``newsflow stories``: story clusters, the latest first (GET /stories)."""

import sys
from typing import Annotated

import typer
from rich.console import Console

from services.cli.session import Json, exits, session

out = Console()


def stories(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(help="ISO date or time")] = None,
    until: Annotated[str | None, typer.Option(help="ISO date (inclusive) or time")] = None,
    min_size: Annotated[int, typer.Option(help="articles in a story")] = 2,
    limit: Annotated[int, typer.Option(help="stories (1-100)")] = 20,
    json_out: Json = False,
) -> None:
    """Story clusters: newsflow stories [--since 2024-05-01] [--min-size 3]"""
    options = session(ctx, json_out)
    with exits(), options.client() as client:
        page = client.stories(since=since, until=until, min_size=min_size, limit=limit)
    if options.json:
        sys.stdout.write(page.model_dump_json() + "\n")
        return
    for story in page.items:
        about = ", ".join(e.name for e in story.top_entities)
        first = f"[cyan]{story.first.source or '-'}[/] {story.earliest_at:%Y-%m-%d %H:%M}"
        out.print(
            f"[bold]story {story.id}[/]: {story.size} articles, first {first}  "
            f"{story.first.title or ''}",
            highlight=False,
        )
        out.print(
            f"    sources: {', '.join(story.sources) or '-'}; about: {about or '-'}",
            highlight=False,
        )
