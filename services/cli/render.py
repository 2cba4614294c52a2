"""One article, readable in a terminal: what it is, who and where it names, when, who said what,
and its summary. ``newsflow show`` prints this; so does ``newsflow submit --wait`` for one."""

from collections import defaultdict

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from shared.models import ArticleResult

QUOTE_CHARS = 90
KEYPHRASES = 10


def article_view(result: ArticleResult) -> Panel:
    document, extraction, summary = result.document, result.extraction, result.summary
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row("status", _status(result))
    if document is not None:
        head.add_row("title", document.title or "(none)")
        head.add_row(
            "language", f"{document.language or '?'}   published {document.published_at or '?'}"
        )
        head.add_row("words", str(document.word_count))
    stages = ", ".join(
        f"{name} {s.duration_ms:.0f} ms on {s.worker}"
        for name, s in result.stages.items()
        if s.duration_ms is not None
    )
    head.add_row("stages", stages or "-")
    if result.story is not None:
        head.add_row("story", str(result.story))
    parts: list[Table | Text] = [head]
    if extraction is not None:
        found = Table(show_header=False, box=None, padding=(0, 2))
        found.add_column(style="cyan", no_wrap=True)
        found.add_column()
        by_type: dict[str, list[str]] = defaultdict(list)
        for entity in extraction.entities:
            by_type[entity.type].append(f"{entity.name} ×{entity.count}")
        for kind, names in sorted(by_type.items()):
            found.add_row(kind, ", ".join(names))
        for place in extraction.places:
            pin = (
                f"{place.latitude:.2f}, {place.longitude:.2f}"
                if place.latitude is not None and place.longitude is not None
                else "unplaced"
            )
            found.add_row("place", f"{place.name} ({place.country_code or '?'}) {pin}")
        for date in extraction.dates:
            span = (
                f"{date.value} .. {date.end_value}"
                if date.end_value
                else str(date.value or date.timex)
            )
            found.add_row("date", f"{date.text!r} → {span}")
        for quote in extraction.quotes:
            said = (
                quote.text
                if len(quote.text) <= QUOTE_CHARS
                else quote.text[: QUOTE_CHARS - 1] + "…"
            )
            found.add_row("quote", f"{quote.speaker or '(unattributed)'}: “{said}”")
        if extraction.keyphrases:
            found.add_row(
                "keyphrases", ", ".join(k.text for k in extraction.keyphrases[:KEYPHRASES])
            )
        parts.append(found)
    if summary is not None and summary.sentences:
        parts.append(Text("summary", style="bold"))
        parts.extend(Text(f"  • {s.text}") for s in summary.sentences)
    if result.error is not None:
        parts.append(Text(f"error in {result.error.stage}: {result.error.message}", style="red"))
    return Panel(Group(*parts), title=result.id, title_align="left")


def _status(result: ArticleResult) -> str:
    colour = {"done": "green", "failed": "red"}.get(result.status, "yellow")
    return f"[{colour}]{result.status}[/]"


def show(console: Console, result: ArticleResult) -> None:
    console.print(article_view(result))
