"""Time expressions found in a text and resolved against its publication date.

Our own grammar (``date_grammar.py``), not dateparser: dateparser misses ranges, fills a bare
month with today's day and reads years inside names. Here every expression gets its TIMEX3 type
and value ("1998-W32", "1998-Q3", "PRESENT_REF"), a calendar start (``value``) with the
granularity of the period, and ranges keep their end. Durations and recurrences ("three-year
deal", "40-year-old", "annual") are typed DURATION/SET and never given a date.

Where rules compete the longest match wins ("two years ago" over "two years"); expressions are
then resolved in text order, so "a year earlier" can refer to the fiscal quarter named before.

Anchor: Document.published_at; without it, the first full date the text states (a dateline);
without that, relative expressions get no value.

Rule groups (``disabled`` switches them off for ablation): the grammar's own (dates.absolute,
dates.ranges, dates.relative, dates.parts, dates.refs, dates.fiscal, dates.holidays,
dates.durations) and
dates.tense (future cues before the expression) and dates.names (no match inside a named
entity). The NER's own DATE spans are not used: on TempEval-3 data, adding those the grammar
cannot read (with no value) left strict F1 unchanged and cost a point of value accuracy.
"""

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime

from services.extraction.date_grammar import RULES, Context, Rule
from services.extraction.entities import Span
from services.extraction.sentences import SentenceIndex
from services.extraction.timex import Timex
from shared.models import DateMention

_FUTURE = re.compile(
    r"\b(?:will|shall|next|upcoming|due|scheduled|plans?|planned|planning|to be held|as early as|"
    r"as soon as|expected to|is to|are to|effective)\b",
    re.I,
)
_TENSE_WINDOW = 80  # characters before an expression in which a future cue counts
# Quotation marks, and line breaks that close a straight-quoted passage left open.
_QUOTE_MARKS = re.compile(r"[“”«»\"\n]")
Found = tuple[int, int, Timex]


def unquoted(text: str) -> str:
    """``text`` with quoted passages blanked, in one pass (linear even when quotation marks
    are left unclosed): a straight quote closes at the next one or at the end of its line."""
    chars = list(text)
    opened: int | None = None
    closer = ""
    for m in _QUOTE_MARKS.finditer(text):
        mark = m.group()
        if opened is None:
            if mark in '“«"':
                opened, closer = m.start(), {"“": "”", "«": "»", '"': '"'}[mark]
            continue
        if mark == closer or (mark == "\n" and closer == '"'):
            chars[opened : m.end()] = " " * (m.end() - opened)
            opened = None
    return "".join(chars)


def anchor_date(published: date | datetime | None, text: str) -> date | None:
    """Publication date, else the first full date the text states (a dateline)."""
    if isinstance(published, datetime):
        return published.date()
    if published is not None:
        return published
    for _, _, t in _resolve(text, _select(text, [], frozenset()), None, lambda _: False):
        if t.granularity == "day" and t.end is None and t.type == "DATE":
            return t.start
    return None


def _select(
    text: str, blocked: list[tuple[int, int]], disabled: frozenset[str]
) -> list[tuple[int, int, Rule, re.Match[str]]]:
    """Every rule's matches outside the blocked spans; of overlapping ones the longest (then
    the earlier rule) is kept."""
    inside_name = bytearray(len(text) + 1)  # a mask: linear however many names and matches
    for s, e in blocked:
        inside_name[s:e] = b"\x01" * (e - s)
    candidates = []
    for order, rule in enumerate(RULES):
        if rule.group in disabled:
            continue
        for m in rule.pattern.finditer(text):
            start, end = m.span()
            if start == end or (not rule.names and any(inside_name[start:end])):
                continue
            candidates.append((start - end, order, start, end, rule, m))
    candidates.sort(key=lambda c: c[:3])
    chosen: list[tuple[int, int, Rule, re.Match[str]]] = []
    taken = bytearray(len(text) + 1)
    for _, _, start, end, rule, m in candidates:
        if any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        chosen.append((start, end, rule, m))
    chosen.sort(key=lambda c: c[0])
    return chosen


def _resolve(
    text: str,
    chosen: list[tuple[int, int, Rule, re.Match[str]]],
    anchor: date | None,
    future: Callable[[int], bool],
) -> list[Found]:
    ctx = Context(anchor)
    out: list[Found] = []
    for start, end, rule, m in chosen:
        ctx.future = future(start)
        try:
            value = rule.resolve(m, ctx)
        except (ValueError, OverflowError):
            # Arithmetic beyond the calendar's years 1-9999 ("200 years ago" of a submission
            # dated in year 100): there is no such date to give.
            continue
        if value is not None:
            out.append((start, end, value))
    return out


def find_dates(
    text: str,
    published: date | datetime | None,
    sentences: SentenceIndex,
    sentence_bounds: Callable[[int], tuple[int, int]],
    entities: Iterable[Span],
    disabled: frozenset[str] = frozenset(),
) -> list[DateMention]:
    """Time expressions the grammar reads, outside the named entities ``entities``."""
    anchor = anchor_date(published, text)
    blocked = [] if "dates.names" in disabled else [(e.start, e.end) for e in entities]
    plain = unquoted(text)

    def future(offset: int) -> bool:
        """The tense near the expression, outside quotations: "said on Thursday" is past."""
        if "dates.tense" in disabled:
            return False
        start = max(sentence_bounds(offset)[0], offset - _TENSE_WINDOW)
        return bool(_FUTURE.search(plain, start, offset))

    found = _resolve(text, _select(text, blocked, disabled), anchor, future)
    return [
        DateMention(
            text=text[start:end],
            start=start,
            end=end,
            sentence=sentences.of(start),
            value=t.start,
            end_value=t.end,
            granularity=t.granularity,
            type=t.type,
            timex=t.value,
        )
        for start, end, t in found
    ]
