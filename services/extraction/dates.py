"""Date expressions normalised to ISO dates relative to the publication date.

A small grammar of our own rather than dateparser: dateparser returns nothing for ranges, fills a
bare month with today's day, and reads years inside names ("Beijing 2022 Winter Olympic Games").
Here a range gives start and end, a month or year keeps its granularity, a year-less date takes
the publication year (or the neighbouring one when that is closer in the tense the sentence uses),
and no match is taken inside a named entity.

Anchor: Document.published_at; without it, the first full date the text states (a dateline), and
without that, relative expressions ("last week", "on Monday", "July") keep value None.
"""

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from services.extraction.entities import Span
from services.extraction.sentences import SentenceIndex
from shared.models import DateMention

Granularity = Literal["day", "month", "year"]

_MONTHS = {
    name.lower(): i
    for i in range(1, 13)
    for name in (calendar.month_name[i], calendar.month_abbr[i], "Sept" if i == 9 else "")
    if name
}
_WEEKDAYS = {calendar.day_name[i].lower(): i for i in range(7)}
_M = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_D = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_Y = r"(?:1[6-9]\d\d|20\d\d)"
_TO = r"\s*(?:to|until|till|through|thru|-|–|—)\s*"
_FUTURE = re.compile(
    r"\b(?:will|shall|next|upcoming|due|scheduled|plans?|planned|to be held)\b", re.I
)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|«[^»]*»")
_TENSE_WINDOW = 80  # characters before a date in which a future cue counts
_DURATION = re.compile(
    r"^(?:the\s+)?(?:(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+|few|a few|"
    r"several|many|some|the past|the last|the next|recent|coming)\s+)*"
    r"(?:days?|weeks?|months?|years?|decades?|centuries|century|hours?|minutes?)"
    r"(?:\s+(?:long|old|later|earlier))?$|^(?:annual|annually|daily|weekly|monthly|yearly|"
    r"quarterly)$",
    re.I,
)


@dataclass(frozen=True)
class _Value:
    start: date
    end: date | None
    granularity: Granularity


def _month(text: str) -> int:
    key = text.rstrip(".").lower()
    return _MONTHS.get(key) or _MONTHS[key[:3]]


def _day(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


class _Context:
    """What a rule may consult: the anchor date and whether its sentence speaks of the future."""

    def __init__(self, anchor: date | None, future: bool) -> None:
        self.anchor = anchor
        self.future = future

    def year_for(self, month: int, day: int = 1) -> int | None:
        """Publication year, or its neighbour when that fits the sentence's tense better."""
        if self.anchor is None:
            return None
        year = self.anchor.year
        candidate = _safe(year, month, min(day, 28 if month == 2 else day)) or date(year, month, 1)
        if candidate - self.anchor > timedelta(days=183) and not self.future:
            return year - 1
        if self.anchor - candidate > timedelta(days=183) and self.future:
            return year + 1
        return year


_Rule = Callable[[re.Match[str], _Context], _Value | None]
_RULES: list[tuple[re.Pattern[str], _Rule]] = []


def _rule(pattern: str, flags: int = 0) -> Callable[[_Rule], _Rule]:
    """Month names must be capitalised ("may" is a verb); keywords use (?i:...) or flags."""

    def register(fn: _Rule) -> _Rule:
        _RULES.append((re.compile(pattern, flags), fn))
        return fn

    return register


def _day_range(
    ctx: _Context, d1: str, m1: str | None, d2: str, m2: str, y: str | None
) -> _Value | None:
    month2, month1 = _month(m2), _month(m1) if m1 else _month(m2)
    year2 = int(y) if y else ctx.year_for(month2, _day(d2))
    if year2 is None:
        return None
    year1 = year2 - 1 if month1 > month2 else year2
    start, end = _safe(year1, month1, _day(d1)), _safe(year2, month2, _day(d2))
    return _Value(start, end, "day") if start and end and start <= end else None


@_rule(rf"\b(?P<y>{_Y})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")
def _iso(m: re.Match[str], ctx: _Context) -> _Value | None:
    value = _safe(int(m["y"]), int(m["m"]), int(m["d"]))
    return _Value(value, None, "day") if value else None


@_rule(
    rf"\b(?P<d1>{_D})(?:\s+(?P<m1>{_M}))?{_TO}(?P<d2>{_D})\s+(?P<m2>{_M})(?:,?\s+(?P<y>{_Y}))?\b"
)
def _range_dm(m: re.Match[str], ctx: _Context) -> _Value | None:
    return _day_range(ctx, m["d1"], m["m1"], m["d2"], m["m2"], m["y"])


@_rule(
    rf"\b(?P<m1>{_M})\s+(?P<d1>{_D})(?:,?\s+(?P<y1>{_Y}))?{_TO}(?:(?P<m2>{_M})\s+)?(?P<d2>{_D})"
    rf"(?:,?\s+(?P<y>{_Y}))?\b"
)
def _range_md(m: re.Match[str], ctx: _Context) -> _Value | None:
    return _day_range(ctx, m["d1"], m["m1"], m["d2"], m["m2"] or m["m1"], m["y"] or m["y1"])


@_rule(
    rf"\b(?i:between)\s+(?P<d1>{_D})(?:\s+(?P<m1>{_M}))?\s+and\s+(?P<d2>{_D})\s+(?P<m2>{_M})"
    rf"(?:,?\s+(?P<y>{_Y}))?\b"
)
def _between_dm(m: re.Match[str], ctx: _Context) -> _Value | None:
    return _day_range(ctx, m["d1"], m["m1"], m["d2"], m["m2"], m["y"])


@_rule(
    rf"\b(?i:from|between)\s+(?P<m1>{_M})(?:\s+(?P<y1>{_Y}))?\s+(?:to|until|and|through)\s+"
    rf"(?P<m2>{_M})(?:,?\s+(?P<y>{_Y}))?\b"
)
def _month_range(m: re.Match[str], ctx: _Context) -> _Value | None:
    month1, month2 = _month(m["m1"]), _month(m["m2"])
    year2 = int(m["y"]) if m["y"] else ctx.year_for(month2)
    if year2 is None:
        return None
    year1 = int(m["y1"]) if m["y1"] else (year2 - 1 if month1 > month2 else year2)
    return _Value(date(year1, month1, 1), _last_day(year2, month2), "month")


@_rule(
    rf"\b(?i:from|between)\s+(?P<y1>{_Y})\s*(?:to|until|and|-|–)\s*(?P<y2>{_Y})\b|"
    rf"\b(?P<y3>{_Y})\s*[-–]\s*(?P<y4>{_Y})\b"
)
def _year_range(m: re.Match[str], ctx: _Context) -> _Value | None:
    y1, y2 = int(m["y1"] or m["y3"]), int(m["y2"] or m["y4"])
    return _Value(date(y1, 1, 1), date(y2, 12, 31), "year") if y1 < y2 else None


@_rule(rf"\b(?P<d>{_D})\s+(?:of\s+)?(?P<m>{_M})(?:,?\s+(?P<y>{_Y}))?\b")
def _day_month(m: re.Match[str], ctx: _Context) -> _Value | None:
    return _dated(ctx, m["d"], m["m"], m["y"])


@_rule(rf"\b(?P<m>{_M})\s+(?P<d>{_D})(?!\d)(?:,?\s+(?P<y>{_Y}))?\b(?!\s*(?:%|percent|per))")
def _month_day(m: re.Match[str], ctx: _Context) -> _Value | None:
    return _dated(ctx, m["d"], m["m"], m["y"])


def _dated(ctx: _Context, d: str, month_text: str, y: str | None) -> _Value | None:
    month = _month(month_text)
    year = int(y) if y else ctx.year_for(month, _day(d))
    value = _safe(year, month, _day(d)) if year else None
    return _Value(value, None, "day") if value else None


@_rule(rf"\b(?P<m>(?i:early|late|mid)-?\s*{_M}|{_M})(?:,?\s+(?P<y>{_Y}))?\b")
def _month_only(m: re.Match[str], ctx: _Context) -> _Value | None:
    name = re.sub(r"^(?:early|late|mid)-?\s*", "", m["m"], flags=re.I)
    if not m["y"] and name in {"May", "March", "Mar", "Jan", "Sept", "Aug", "Dec"}:
        before = m.string[max(0, m.start() - 12) : m.start()]
        if not re.search(
            r"\b(?:in|since|until|by|from|of|last|next|this|early|late|mid)\s*$", before, re.I
        ):
            return None
    month = _month(name)
    year = int(m["y"]) if m["y"] else ctx.year_for(month)
    return _Value(date(year, month, 1), None, "month") if year else None


@_rule(r"\b(?:the\s+)?(?P<y>1[6-9]\d0|20\d0)s\b")
def _decade(m: re.Match[str], ctx: _Context) -> _Value | None:
    y = int(m["y"])
    return _Value(date(y, 1, 1), date(y + 9, 12, 31), "year")


@_rule(rf"(?<![-/.,\d])\b(?P<y>{_Y})\b(?![-/.,]?\d)")
def _year(m: re.Match[str], ctx: _Context) -> _Value | None:
    before = m.string[max(0, m.start() - 16) : m.start()]
    after = m.string[m.end() : m.end() + 12]
    if not re.search(
        r"\b(?:in|since|until|by|from|of|during|before|after|early|late|mid|year|"
        r"end of|start of|through|for)\s*-?\s*$",
        before,
        re.I,
    ) and not re.match(r"\s*[,.;)]", after):
        return None
    y = int(m["y"])
    return _Value(date(y, 1, 1), None, "year")


@_rule(r"\b(?P<w>today|tonight|yesterday|tomorrow)\b", re.I)
def _deictic(m: re.Match[str], ctx: _Context) -> _Value | None:
    if ctx.anchor is None:
        return None
    shift = {"yesterday": -1, "tomorrow": 1}.get(m["w"].lower(), 0)
    return _Value(ctx.anchor + timedelta(days=shift), None, "day")


@_rule(
    r"\b(?:(?P<q>last|next|this|past|previous|coming)\s+)?(?P<w>monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday)\b",
    re.I,
)
def _weekday(m: re.Match[str], ctx: _Context) -> _Value | None:
    if ctx.anchor is None:
        return None
    target = _WEEKDAYS[m["w"].lower()]
    q = (m["q"] or "").lower()
    ahead = (target - ctx.anchor.weekday()) % 7
    if q in {"next", "coming"} or (not q and ctx.future):
        return _Value(ctx.anchor + timedelta(days=ahead or 7), None, "day")
    back = (ctx.anchor.weekday() - target) % 7
    if q in {"last", "past", "previous"} and back == 0:
        back = 7
    return _Value(ctx.anchor - timedelta(days=back), None, "day")


@_rule(
    r"\b(?P<q>last|next|this|earlier this|later this|past|previous|coming)\s+"
    r"(?P<u>week|month|year)\b",
    re.I,
)
def _relative_period(m: re.Match[str], ctx: _Context) -> _Value | None:
    if ctx.anchor is None:
        return None
    a, q, unit = ctx.anchor, m["q"].lower(), m["u"].lower()
    step = -1 if q in {"last", "past", "previous"} else 1 if q in {"next", "coming"} else 0
    if unit == "week":
        monday = a - timedelta(days=a.weekday()) + timedelta(weeks=step)
        return _Value(monday, monday + timedelta(days=6), "day")
    if unit == "month":
        index = a.year * 12 + a.month - 1 + step
        return _Value(date(index // 12, index % 12 + 1, 1), None, "month")
    return _Value(date(a.year + step, 1, 1), None, "year")


_NUMBERS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}


@_rule(
    r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
    r"(?P<u>day|week|month|year)s?\s+ago\b",
    re.I,
)
def _ago(m: re.Match[str], ctx: _Context) -> _Value | None:
    if ctx.anchor is None:
        return None
    n_text = m["n"].lower()
    n = int(n_text) if n_text.isdigit() else _NUMBERS.get(n_text, 1)
    a, unit = ctx.anchor, m["u"].lower()
    if unit in {"day", "week"}:
        return _Value(a - timedelta(days=n * (7 if unit == "week" else 1)), None, "day")
    if unit == "month":
        index = a.year * 12 + a.month - 1 - n
        return _Value(date(index // 12, index % 12 + 1, 1), None, "month")
    return _Value(date(a.year - n, 1, 1), None, "year")


def anchor_date(published: date | datetime | None, text: str) -> date | None:
    """Publication date, else the first full date the text states (a dateline)."""
    if isinstance(published, datetime):
        return published.date()
    if published is not None:
        return published
    ctx = _Context(None, False)
    for found in _matches(text, ctx, []):
        if found[2].granularity == "day" and found[2].end is None:
            return found[2].start
    return None


def _matches(
    text: str,
    ctx: _Context,
    blocked: list[tuple[int, int]],
    future: Callable[[int], bool] | None = None,
) -> list[tuple[int, int, _Value]]:
    """Non-overlapping rule matches, earlier rules (longer forms) first."""
    taken: list[tuple[int, int, _Value]] = []
    for pattern, rule in _RULES:
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            if any(s < end and start < e for s, e in blocked):
                continue
            if any(s < end and start < e for s, e, _ in taken):
                continue
            local = _Context(ctx.anchor, future(start) if future else ctx.future)
            value = rule(m, local)
            if value is not None:
                taken.append((start, end, value))
    return taken


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    span = text[start:end]
    lead = re.match(r"(?:(?:from|between|on|in|the)\s+)+", span, re.I)
    return start + (lead.end() if lead else 0), end


def find_dates(
    text: str,
    published: date | datetime | None,
    sentences: SentenceIndex,
    sentence_bounds: Callable[[int], tuple[int, int]],
    entities: Iterable[Span],
    date_spans: Iterable[Span],
) -> list[DateMention]:
    """Dates the grammar reads, plus the NER's DATE spans it cannot (value None; not durations)."""
    anchor = anchor_date(published, text)
    blocked = [(e.start, e.end) for e in entities]

    unquoted = _QUOTED.sub(lambda m: " " * len(m.group()), text)

    def future(offset: int) -> bool:
        """The tense near the date, outside quotations: "said on Thursday" is past."""
        start = max(sentence_bounds(offset)[0], offset - _TENSE_WINDOW)
        return bool(_FUTURE.search(unquoted[start:offset]))

    found = _matches(text, _Context(anchor, False), blocked, future)
    out: list[DateMention] = []
    for start, end, value in found:
        start, end = _trim(text, start, end)
        out.append(
            DateMention(
                text=text[start:end],
                start=start,
                end=end,
                sentence=sentences.of(start),
                value=value.start,
                end_value=value.end,
                granularity=value.granularity,
            )
        )
    for span in date_spans:
        phrase = text[span.start : span.end]
        if any(d.start < span.end and span.start < d.end for d in out) or _DURATION.match(phrase):
            continue
        if any(s < span.end and span.start < e for s, e in blocked):
            continue
        out.append(
            DateMention(
                text=phrase, start=span.start, end=span.end, sentence=sentences.of(span.start)
            )
        )
    out.sort(key=lambda d: d.start)
    return out
