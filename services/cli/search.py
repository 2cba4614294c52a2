"""``newsflow search``: the archive's articles, newest first (GET /articles)."""

import html
import re
import sys
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.text import Text

from services.cli.session import USAGE, Json, exits, fail, session
from shared.models.corpus import ArticleFilters

SNIPPET_CHARS = 160
out = Console()

Q = Annotated[str | None, typer.Argument(help='words, "a phrase", OR, -excluded')]
Entity = Annotated[str | None, typer.Option(help="an entity key (PERSON:xi-jinping) or a name")]
Type = Annotated[str | None, typer.Option("--type", help="entity type: PERSON, ORG, GPE, ...")]
Place = Annotated[str | None, typer.Option(help="a place name or gazetteer id (geonames:...)")]
Since = Annotated[str | None, typer.Option(help="ISO date or time")]
Until = Annotated[str | None, typer.Option(help="ISO date (inclusive) or time")]
Language = Annotated[str | None, typer.Option(help="ISO 639-1")]
StoryId = Annotated[int | None, typer.Option("--story", help="a story id")]


def filters(
    q: str | None,
    entity: str | None,
    entity_type: str | None,
    place: str | None,
    since: str | None,
    until: str | None,
    language: str | None,
    story: int | None,
) -> ArticleFilters:
    """Checked here, so a typo is a usage error (exit 2) naming the option, before any request."""
    given = {
        "q": q,
        "entity": entity,
        "type": entity_type,
        "place": place,
        "since": since,
        "until": until,
        "language": language,
        "story": story,
    }
    try:
        return ArticleFilters.model_validate({k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        reasons = "; ".join(f"--{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        fail(USAGE, reasons)


def terminal_snippet(snippet: str) -> Text:
    """The gateway's HTML snippet (escaped text, matches in <mark>) as styled terminal text."""
    shown = Text()
    for index, part in enumerate(re.split(r"</?mark>", snippet[:SNIPPET_CHARS])):
        shown.append(html.unescape(part), style="reverse" if index % 2 else "")
    return shown


def search(
    ctx: typer.Context,
    q: Q = None,
    entity: Entity = None,
    entity_type: Type = None,
    place: Place = None,
    since: Since = None,
    until: Until = None,
    language: Language = None,
    story: StoryId = None,
    limit: Annotated[int, typer.Option(help="hits per page (1-100)")] = 20,
    pages: Annotated[int, typer.Option(help="pages to fetch, following cursors")] = 1,
    json_out: Json = False,
) -> None:
    """Search the archive: newsflow search "oil prices" --entity "Xi Jinping" --since 2024-05-01"""
    options = session(ctx, json_out)
    chosen = filters(q, entity, entity_type, place, since, until, language, story)
    cursor = None
    with exits(), options.client() as client:
        for _ in range(pages):
            page = client.search(chosen, limit, cursor)
            if options.json:
                sys.stdout.write(page.model_dump_json() + "\n")
            for hit in [] if options.json else page.items:
                out.print(
                    f"[dim]{hit.dated_at:%Y-%m-%d}[/]  [bold]{hit.title or '(untitled)'}[/]"
                    f"  [cyan]{hit.source or '-'}[/]  {hit.id}",
                    highlight=False,
                )
                for snippet in hit.snippets:
                    out.print("    ", terminal_snippet(snippet), highlight=False)
            cursor = page.next_cursor
            if not cursor:
                break
