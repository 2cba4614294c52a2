"""``newsflow alerts``: what your watchlists caught, newest first, or followed live (--follow),
each with the words that matched highlighted (GET /alerts)."""

import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Annotated

import typer
from rich.console import Console, Group
from rich.text import Text

from services.cli.client import NewsflowClient
from services.cli.session import Json, exits, session
from shared.models.corpus import MAX_PAGE
from shared.models.watchlists import Alert, MatchedTerm

FOLLOW_SECONDS = 3.0  # between polls with --follow: an alert fires seconds after its article
MARK = "reverse"  # as ``newsflow search`` marks its matches
WORDY_KINDS = ("keyword", "entity")  # kinds whose matched text is words that can recur in a summary
out = Console()


def highlighted(text: str, spans: Iterable[tuple[int, int]]) -> Text:
    """``text`` with each (start, end) span marked; spans outside it are ignored."""
    shown = Text(text)
    for start, end in spans:
        if 0 <= start < end <= len(text):
            shown.stylize(MARK, start, end)
    return shown


def title_spans(matched: Sequence[MatchedTerm]) -> list[tuple[int, int]]:
    """Where the title matched, by the offsets the alert carries."""
    return [
        (m.start, m.end)
        for m in matched
        if m.field == "title" and m.start is not None and m.end is not None
    ]


def summary_spans(summary: str, matched: Sequence[MatchedTerm]) -> list[tuple[int, int]]:
    """Where the matched words recur in the summary. The alert's offsets point into the
    article's text, which the alert does not carry, so the words are found again here:
    whole-word and case-insensitive, as the matcher compares them."""
    spans: list[tuple[int, int]] = []
    for text in {m.text for m in matched if m.kind in WORDY_KINDS and m.text.strip()}:
        pattern = re.compile(rf"(?<!\w){re.escape(text)}(?!\w)", re.IGNORECASE)
        spans.extend(found.span() for found in pattern.finditer(summary))
    return spans


def term_line(term: MatchedTerm) -> Text:
    """One matched term: its kind, the watchlist's term, and what it matched in the article."""
    line = Text(f"  {term.kind:<8} ", style="cyan")
    line.append(term.term)
    if term.text and term.text != term.term:
        line.append(" → ")
        line.append(term.text, style=MARK)
    elif term.text:
        line.stylize(MARK, len(line) - len(term.term), len(line))
    if term.field is not None:
        line.append(f"  in {term.field}", style="dim")
        if term.start is not None:
            line.append(f" {term.start}–{term.end}", style="dim")
    return line


def alert_view(alert: Alert) -> Group:
    head = Text(f"{alert.created_at:%Y-%m-%d %H:%M:%S}  ", style="dim")
    head.append_text(highlighted(alert.title or "(untitled)", title_spans(alert.matched)))
    head.stylize("bold", len(f"{alert.created_at:%Y-%m-%d %H:%M:%S}  "))
    meta = Text(f"  article {alert.article_id}  watchlist {alert.watchlist_id}", style="dim")
    if alert.delivered_at is not None:
        meta.append(f"  delivered {alert.delivered_at:%H:%M:%S}", style="dim")
    parts: list[Text] = [head, meta]
    if alert.summary:
        summary = highlighted(alert.summary, summary_spans(alert.summary, alert.matched))
        parts.append(Text("  ") + summary)
    parts.extend(term_line(term) for term in alert.matched)
    return Group(*parts, Text(""))


def unseen(pages: Iterable[Sequence[Alert]], seen: set[str]) -> list[Alert]:
    """The alerts not yet shown, oldest first, reading newest-first pages until one holds an
    alert already shown (everything past it was shown too)."""
    fresh: list[Alert] = []
    for page in pages:
        new = [a for a in page if a.id not in seen]
        fresh.extend(new)
        if len(new) < len(page):
            break
    return sorted(fresh, key=lambda a: (a.created_at, a.id))


def newest_pages(
    client: NewsflowClient, watchlist: str | None, since: str | None
) -> Iterable[list[Alert]]:
    cursor = None
    while True:
        page = client.alerts(watchlist, since, MAX_PAGE, cursor)
        yield page.items
        cursor = page.next_cursor
        if not cursor:
            return


def follow(
    client: NewsflowClient,
    watchlist: str | None,
    since: str | None,
    show: Callable[[Alert], None],
    every: float,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Polls until interrupted, showing each alert once as it arrives. ``since`` moves up to the
    newest alert shown, so a poll reads only a page or so."""
    seen: set[str] = set()
    while True:
        for alert in unseen(newest_pages(client, watchlist, since), seen):
            seen.add(alert.id)
            since = alert.created_at.isoformat()
            show(alert)
        sleep(every)


def alerts(
    ctx: typer.Context,
    watchlist: Annotated[str | None, typer.Option(help="one watchlist's alerts")] = None,
    since: Annotated[str | None, typer.Option(help="fired from this ISO date or time")] = None,
    limit: Annotated[int, typer.Option(help=f"alerts to list (1-{MAX_PAGE})")] = 20,
    follow_: Annotated[
        bool, typer.Option("--follow", "-f", help="keep polling, print new alerts; Ctrl-C stops")
    ] = False,
    every: Annotated[float, typer.Option(help="seconds between polls with --follow")] = (
        FOLLOW_SECONDS
    ),
    json_out: Json = False,
) -> None:
    """Alerts your watchlists raised, newest first; --follow prints each new one as it fires."""
    options = session(ctx, json_out)

    def show(alert: Alert) -> None:
        if options.json:
            sys.stdout.write(alert.model_dump_json() + "\n")
            sys.stdout.flush()
        else:
            out.print(alert_view(alert), highlight=False)

    with exits(), options.client() as client:
        if follow_:
            try:
                follow(client, watchlist, since, show, every)
            except KeyboardInterrupt:
                return
        page = client.alerts(watchlist, since, limit)
    if options.json:
        sys.stdout.write(page.model_dump_json() + "\n")
        return
    if not page.items:
        out.print("no alerts" + (f" since {since}" if since else ""))
    for alert in page.items:
        show(alert)
