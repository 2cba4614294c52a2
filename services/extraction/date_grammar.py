"""The date grammar: patterns for English time expressions and how each resolves to a Timex.

Spans follow the TimeML/TempEval annotation conventions so output can be scored against
annotated news: a modifier that changes the period is inside ("early 1990", "late yesterday",
"the end of 1994", "last week", "nearly four years ago"), a preposition is not ("on Friday",
"in July"); "the" is inside when a time noun heads the phrase ("the third quarter", "the
year-ago period") and outside when the expression modifies another noun ("the third-quarter
loss", "the 1960s").

Every rule belongs to a group ("dates.<group>") that ablation can switch off. Every pattern is a
fixed sequence of bounded pieces (no nested or unbounded repetition), so matching is linear in
the text whatever it holds.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from services.extraction import timex as tx
from services.extraction.timex import Timex

_S = r"\s{1,3}"  # bounded gap between words: a text of spaces cannot make a match slow
_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June|July|Jun\.?|Jul\.?|"
    r"Aug(?:ust|\.)?|Sep(?:t\.?|tember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
    r"(?![a-z])"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d)"
_YEAR = r"(?<![\d,.$])(?:1[6-9]\d\d|20\d\d)(?![\d%]|,\d|\.\d)"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_NUMBERS.update({"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12})
_NUMBERS.update({"fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50})
_NUM = r"(?:\d{1,3}|" + "|".join(_NUMBERS) + r")"
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3}
_ORDINALS["4th"] = 4
_ORDINAL = r"(?:first|second|third|fourth|1st|2nd|3rd|4th)"
# Modifiers TimeML keeps inside the span; the value is the period they modify.
_MOD = r"(?i:(?:the\s)?(?:early|late|mid|end\sof|beginning\sof|start\sof|middle\sof))"
_MONTHS = {
    name: i + 1
    for i, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_WEEKDAYS = {name: i for i, name in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])}
_SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
# Month names that are also common words ("may", "march", "mar"): read as months only after
# a preposition or modifier that takes a date, or with a day or year.
_AMBIGUOUS_MONTHS = frozenset({"May", "March", "Mar"})
_MONTH_CUE = re.compile(
    r"(?i:\b(?:in|since|until|till|by|from|of|last|next|this|early|late|mid|through|before|"
    r"after|during|between|and|or|to)[\s-]{1,2})$"
)


# How far on the wrong side of the anchor a year-less date may fall before it moves to the
# neighbouring year (past side unless the sentence speaks of the future). 90 and 120 days tie
# on the tuning half of TempEval-3's dev data; 183 (half a year) and 30 do worse.
_YEAR_SWITCH = timedelta(days=120)


@dataclass
class Context:
    """What resolution may consult: the anchor (publication date), whether the expression's
    sentence speaks of the future, and the fiscal quarter the text last named (results news
    says "a year earlier" of the quarter it reports)."""

    anchor: date | None
    future: bool = False
    quarter: tuple[int, int] | None = None


Resolver = Callable[[re.Match[str], Context], Timex | None]


@dataclass(frozen=True)
class Rule:
    group: str
    pattern: re.Pattern[str]
    resolve: Resolver
    names: bool = False  # also matches inside a named entity (a holiday is a name and a date)


RULES: list[Rule] = []


def _rule(group: str, pattern: str, names: bool = False) -> Callable[[Resolver], Resolver]:
    def register(fn: Resolver) -> Resolver:
        RULES.append(Rule(f"dates.{group}", re.compile(pattern), fn, names))
        return fn

    return register


def _month(text: str) -> int:
    return _MONTHS[text[:3].lower()]


def _day(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _number(text: str) -> int:
    key = text.lower()
    return int(key) if key.isdigit() else _NUMBERS.get(key, 1)


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def year_for(ctx: Context, month: int, day: int = 1) -> int | None:
    """The anchor's year, or its neighbour when that puts the date on the side of the anchor
    the sentence's tense points to (past unless future) and the anchor's year is too far off."""
    if ctx.anchor is None:
        return None
    y = ctx.anchor.year
    candidate = _safe(y, month, day) or date(y, month, 1)
    if candidate - ctx.anchor > _YEAR_SWITCH and not ctx.future:
        return y - 1
    if ctx.anchor - candidate > _YEAR_SWITCH and ctx.future:
        return y + 1
    return y


def _step(word: str | None) -> int:
    w = (word or "").lower().split()[-1:] or [""]
    return {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "following": 1}.get(
        w[0], 0
    )


# ----------------------------------------------------------------------- absolute dates
@_rule("absolute", r"\b(?P<y>(?:1[6-9]|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")
def _iso(m: re.Match[str], ctx: Context) -> Timex | None:
    d = _safe(int(m["y"]), int(m["m"]), int(m["d"]))
    return tx.day(d) if d else None


@_rule(
    "absolute",
    rf"(?:\b{_WEEKDAY},?{_S})?\b(?P<m>{_MONTH}){_S}(?P<d>{_DAY})"
    rf"(?:,?{_S}(?P<y>{_YEAR}))?(?!{_S}(?:%|percent))",
)
def _month_day(m: re.Match[str], ctx: Context) -> Timex | None:
    return _dated(ctx, m["d"], m["m"], m["y"])


@_rule("absolute", rf"\b(?P<d>{_DAY}){_S}(?:of{_S})?(?P<m>{_MONTH})(?:,?{_S}(?P<y>{_YEAR}))?")
def _day_month(m: re.Match[str], ctx: Context) -> Timex | None:
    return _dated(ctx, m["d"], m["m"], m["y"])


def _dated(ctx: Context, d: str, month_text: str, y: str | None) -> Timex | None:
    month = _month(month_text)
    year = int(y) if y else year_for(ctx, month, _day(d))
    value = _safe(year, month, _day(d)) if year else None
    return tx.day(value) if value else None


@_rule(
    "absolute",
    rf"(?:\b(?P<q>(?i:last|this|next)){_S})?(?:\b(?P<mod>{_MOD})[-\s]{{1,2}}(?:of{_S})?)?"
    rf"\b(?P<m>{_MONTH})(?:(?:,?{_S}|{_S}of{_S})(?P<y>{_YEAR})|{_S}(?P<rel>(?i:this|last|next))"
    rf"{_S}(?i:year))?(?![.\s]{{1,4}}\d)",  # a day number after it: a date, read by _month_day
)
def _month_only(m: re.Match[str], ctx: Context) -> Timex | None:
    month = _month(m["m"])
    if m["y"]:
        return tx.month(int(m["y"]), month)
    cued = m["q"] or m["mod"] or m["rel"]
    before = m.string[max(0, m.start() - 12) : m.start()]
    if m["m"].rstrip(".") in _AMBIGUOUS_MONTHS and not cued and not _MONTH_CUE.search(before):
        return None
    if ctx.anchor is None:
        return None
    a = ctx.anchor
    if m["rel"]:
        return tx.month(a.year + _step(m["rel"]), month)
    q = (m["q"] or "").lower()
    if q == "last":  # the latest such month before this one
        return tx.month(a.year if month < a.month else a.year - 1, month)
    if q == "next":
        return tx.month(a.year if month > a.month else a.year + 1, month)
    if q == "this":
        return tx.month(a.year, month)
    y = year_for(ctx, month)
    return tx.month(y, month) if y else None


@_rule(
    "absolute",
    rf"(?:\b(?P<mod>{_MOD}|(?i:fiscal))[-\s]{{1,2}}(?:of{_S})?)?(?:\b(?i:the{_S}year){_S})?"
    rf"\b(?P<y>{_YEAR})\b",
)
def _year(m: re.Match[str], ctx: Context) -> Timex | None:
    """A year, unless it sits between two capitalised words: then it is part of a name
    ("Beijing 2022 Winter Olympic Games", "Euro 2024 Final")."""
    before = _IN_NAME_BEFORE.search(m.string, max(0, m.start() - 30), m.start())
    if not m["mod"] and before and _IN_NAME_AFTER.match(m.string, m.end()):
        return None
    return tx.year(int(m["y"]))


_IN_NAME_BEFORE = re.compile(r"[A-Z][A-Za-z]{1,20} $")
_IN_NAME_AFTER = re.compile(r" [A-Z][a-z]")


@_rule(
    "absolute",
    rf"\b(?:(?i:the){_S})?(?:(?i:early|late|mid)[-\s])?(?P<s>(?i:spring|summer|fall|autumn|winter))"
    rf"(?:{_S}(?i:of))?{_S}(?P<y>{_YEAR})",
)
def _season_of_year(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "the spring of 2025", "summer 1998"."""
    return tx.season(int(m["y"]), _SEASONS[m["s"].lower()])


@_rule(
    "absolute",
    r"(?:\b(?P<mod>(?i:(?:the\s)?(?:early|late|mid))[-\s]{1,2}))?"
    r"\b(?P<y>1[6-9]\d0|20\d0)'?s\b",
)
def _decade(m: re.Match[str], ctx: Context) -> Timex | None:
    return tx.decade(int(m["y"]))


@_rule("absolute", rf"\b(?i:the){_S}(?P<n>1?\d)(?:st|nd|rd|th){_S}(?i:century)\b")
def _century(m: re.Match[str], ctx: Context) -> Timex | None:
    return tx.century(int(m["n"]))


_TENS = {"ten": 10, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_TENS.update({"sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90})
_UNITS = {
    w: i + 1
    for i, w in enumerate(["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"])
}


@_rule(
    "absolute",
    r"\b(?i:nineteen[-\s](?P<t>twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[-\s](?P<u>one|two|three|four|five|six|seven|eight|nine))?)\b",
)
def _spoken_year(m: re.Match[str], ctx: Context) -> Timex | None:
    """Broadcast transcripts spell years out: "nineteen ninety-six"."""
    return tx.year(1900 + _TENS[m["t"].lower()] + _UNITS.get((m["u"] or "").lower(), 0))


# ----------------------------------------------------------------------------- ranges
def _day_range(
    ctx: Context, d1: str, m1: str | None, d2: str, m2: str, y: str | None
) -> Timex | None:
    month2, month1 = _month(m2), _month(m1) if m1 else _month(m2)
    year2 = int(y) if y else year_for(ctx, month2, _day(d2))
    if year2 is None:
        return None
    year1 = year2 - 1 if month1 > month2 else year2
    start, end = _safe(year1, month1, _day(d1)), _safe(year2, month2, _day(d2))
    return tx.day_range(start, end) if start and end and start < end else None


_TO = r"\s{0,2}(?:to|until|till|through|thru|-|–|—)\s{0,2}"


@_rule(
    "ranges",
    rf"\b(?P<d1>{_DAY})(?:{_S}(?P<m1>{_MONTH}))?{_TO}(?P<d2>{_DAY}){_S}(?P<m2>{_MONTH})"
    rf"(?:,?{_S}(?P<y>{_YEAR}))?",
)
def _range_dm(m: re.Match[str], ctx: Context) -> Timex | None:
    return _day_range(ctx, m["d1"], m["m1"], m["d2"], m["m2"], m["y"])


@_rule(
    "ranges",
    rf"\b(?P<m1>{_MONTH}){_S}(?P<d1>{_DAY}){_TO}(?:(?P<m2>{_MONTH}){_S})?(?P<d2>{_DAY})"
    rf"(?:,?{_S}(?P<y>{_YEAR}))?",
)
def _range_md(m: re.Match[str], ctx: Context) -> Timex | None:
    return _day_range(ctx, m["d1"], m["m1"], m["d2"], m["m2"] or m["m1"], m["y"])


@_rule(
    "ranges",
    rf"\b(?P<m1>{_MONTH})(?:{_S}(?P<y1>{_YEAR}))?{_S}(?:to|until|through|-){_S}"
    rf"(?P<m2>{_MONTH})(?:,?{_S}(?P<y>{_YEAR}))?",
)
def _month_range(m: re.Match[str], ctx: Context) -> Timex | None:
    month1, month2 = _month(m["m1"]), _month(m["m2"])
    year2 = int(m["y"]) if m["y"] else year_for(ctx, month2)
    if year2 is None:
        return None
    year1 = int(m["y1"]) if m["y1"] else (year2 - 1 if month1 > month2 else year2)
    return tx.month_range((year1, month1), (year2, month2))


@_rule("ranges", rf"\b(?P<y1>{_YEAR})\s?[-–]\s?(?P<y2>{_YEAR})\b")
def _year_range(m: re.Match[str], ctx: Context) -> Timex | None:
    y1, y2 = int(m["y1"]), int(m["y2"])
    return tx.year_range(y1, y2) if y1 < y2 else None


# ----------------------------------------------------------------- relative to the anchor
@_rule(
    "relative",
    r"\b(?:(?P<mod>(?i:early|late|earlier|later)) )?(?P<w>(?i:today|yesterday|tomorrow))\b"
    r"(?: (?P<part>morning|afternoon|evening|night))?",
)
def _deictic(m: re.Match[str], ctx: Context) -> Timex | None:
    if ctx.anchor is None:
        return None
    shift = {"yesterday": -1, "tomorrow": 1}.get(m["w"].lower(), 0)
    return tx.day(ctx.anchor + timedelta(days=shift), m["part"])


@_rule(
    "parts",
    r"\b(?P<w>(?i:tonight)|(?i:last) night|(?i:this) (?:morning|afternoon|evening))\b",
)
def _part_of_today(m: re.Match[str], ctx: Context) -> Timex | None:
    if ctx.anchor is None:
        return None
    words = m["w"].lower().split()
    if words == ["tonight"]:
        return tx.day(ctx.anchor, "night")
    if words[0] == "last":
        return tx.day(ctx.anchor - timedelta(days=1), "night")
    return tx.day(ctx.anchor, words[1])


@_rule(
    "relative",
    rf"(?:\b(?P<q>(?i:last|next|this coming|this|coming|past|early|late|"
    rf"the previous|the following)){_S})?\b(?P<w>{_WEEKDAY})\b"
    r"(?: (?P<part>morning|afternoon|evening|night)\b)?",
)
def _weekday(m: re.Match[str], ctx: Context) -> Timex | None:
    """A weekday is the latest one on or before the anchor (news reports what happened),
    the next one when "next" says so or the sentence speaks of the future."""
    if ctx.anchor is None:
        return None
    a = ctx.anchor
    target = _WEEKDAYS[m["w"][:3].lower()]
    q = (m["q"] or "").lower()
    if q in {"next", "coming", "this coming", "the following"} or (
        ctx.future and q not in {"last", "past", "the previous"}
    ):
        ahead = (target - a.weekday()) % 7
        return tx.day(a + timedelta(days=ahead or 7))
    back = (a.weekday() - target) % 7
    if q in {"last", "past", "the previous"} and back == 0:
        back = 7
    return tx.day(a - timedelta(days=back))


@_rule(
    "relative",
    r"\b(?:(?P<mod>(?i:early|late|earlier|later)) )?"
    r"(?P<q>(?i:last|this past|this|next|the coming|the following|the previous|coming))"
    r" (?P<u>(?i:week|weekend|month|quarter|year|decade|spring|summer|fall|autumn|winter))\b",
)
def _relative_period(m: re.Match[str], ctx: Context) -> Timex | None:
    if ctx.anchor is None:
        return None
    a, step, unit = ctx.anchor, _step(m["q"]), m["u"].lower()
    if unit in _SEASONS:
        return tx.last_season(a, _SEASONS[unit], step)
    if unit in {"week", "weekend"}:
        w = tx.week(a + timedelta(weeks=step))
        return Timex("DATE", w.value + "-WE", w.start, "week") if unit == "weekend" else w
    if unit == "month":
        return tx.month(*tx.shift_months(a, step))
    if unit == "quarter":  # "the previous quarter": the one before the anchor's
        y, mo = tx.shift_months(a, 3 * step)
        return tx.quarter(y, (mo - 1) // 3 + 1)
    if unit == "decade":
        return tx.decade(a.year + 10 * step)
    return tx.year(a.year + step)


@_rule(
    "relative",
    rf"\b(?:(?P<mod>(?i:nearly|almost|about|some|more than|over|roughly|just|only)){_S})?"
    rf"(?P<n>(?i:{_NUM}|a few|several)){_S}(?P<u>(?i:day|week|month|year|decade))s?"
    rf"(?:{_S}(?i:or so))?{_S}(?P<dir>(?i:ago|earlier|later))\b",
)
def _ago(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "two years ago" from the anchor; "a year earlier" from the quarter the text reports
    when it named one (results news), else from the anchor."""
    if ctx.anchor is None:
        return None
    n_text, unit, direction = m["n"].lower(), m["u"].lower(), m["dir"].lower()
    if n_text in {"a few", "several"}:
        return tx.ref("PAST_REF") if direction == "ago" else None
    n = _number(n_text) * (1 if direction == "later" else -1)
    a = ctx.anchor
    if unit == "year" and direction != "ago" and ctx.quarter:
        return tx.quarter(ctx.quarter[0] + n, ctx.quarter[1])
    if unit == "year" and direction == "ago" and ctx.quarter and abs(n) == 1:
        return tx.quarter(ctx.quarter[0] + n, ctx.quarter[1])
    if unit == "day":
        return tx.day(a + timedelta(days=n))
    if unit == "week":
        return tx.week(a + timedelta(weeks=n))
    if unit == "month":
        return tx.month(*tx.shift_months(a, n))
    return tx.year(a.year + n * (10 if unit == "decade" else 1))


@_rule("relative", r"\b(?i:the weekend)\b")
def _the_weekend(m: re.Match[str], ctx: Context) -> Timex | None:
    """The weekend just past, or the coming one when the sentence speaks of the future."""
    if ctx.anchor is None:
        return None
    a = ctx.anchor
    saturday = (
        a + timedelta(days=(5 - a.weekday()) % 7)
        if ctx.future
        else a - timedelta(days=(a.weekday() - 5) % 7)
    )
    w = tx.week(saturday)
    return Timex("DATE", w.value + "-WE", saturday, "week")


@_rule(
    "relative",
    r"\b(?i:(?:the )?(?:end|beginning|start|middle) of (?P<q>this|last|next|the) "
    r"(?P<u>week|month|year))\b|\b(?P<ye>(?i:year[- ]end))\b",
)
def _period_edge(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "the end of the year", "year-end": the period it qualifies (TimeML keeps the modifier
    out of the value)."""
    if ctx.anchor is None:
        return None
    a, unit = ctx.anchor, (m["u"] or "year").lower()
    step = _step(m["q"])
    if unit == "week":
        return tx.week(a + timedelta(weeks=step))
    if unit == "month":
        return tx.month(*tx.shift_months(a, step))
    return tx.year(a.year + step)


@_rule(
    "parts",
    rf"\b(?:(?i:around|shortly before|shortly after) )?(?:(?P<h>1[0-2]|0?[1-9])"
    rf"(?::(?P<min>[0-5]\d))? ?(?P<ap>[ap])\.m\.|(?P<noon>(?i:noon|midnight)))"
    rf"(?:(?: (?i:on))? (?P<w>{_WEEKDAY}|(?i:today|yesterday|tomorrow))\b)?",
)
def _clock(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "10 p.m. Wednesday", "noon Thursday": a time on the day named, else on the anchor."""
    if ctx.anchor is None:
        return None
    if m["noon"]:
        hour, minute = (12 if m["noon"].lower() == "noon" else 0), 0
    else:
        hour = int(m["h"]) % 12 + (12 if m["ap"] == "p" else 0)
        minute = int(m["min"] or 0)
    d = ctx.anchor
    if m["w"]:
        w = m["w"].lower()
        if w in {"today", "yesterday", "tomorrow"}:
            d += timedelta(days={"yesterday": -1, "tomorrow": 1}.get(w, 0))
        else:
            target = _WEEKDAYS[w[:3]]
            if ctx.future:
                d += timedelta(days=(target - d.weekday()) % 7)
            else:
                d -= timedelta(days=(d.weekday() - target) % 7)
    return Timex("TIME", f"{d:%Y-%m-%d}T{hour:02d}:{minute:02d}", d, "day")


# ----------------------------------------------------------------------------- holidays
# Fixed-date holidays of English-language news, as (month, day).
_FIXED_HOLIDAYS = {
    "new year's day": (1, 1),
    "valentine's day": (2, 14),
    "independence day": (7, 4),
    "halloween": (10, 31),
    "christmas eve": (12, 24),
    "christmas day": (12, 25),
    "christmas": (12, 25),
    "new year's eve": (12, 31),
}
# Holidays on the n-th (or, with -1, last) given weekday of a month: (month, weekday, n).
_FLOATING_HOLIDAYS = {
    "thanksgiving": (11, 3, 4),
    "thanksgiving day": (11, 3, 4),
    "labor day": (9, 0, 1),
    "memorial day": (5, 0, -1),
}


@_rule(
    "holidays",
    r"\b(?:(?P<q>(?i:last|next|this)) )?(?P<h>New Year['’]s (?:Day|Eve)|Valentine['’]s Day|"
    r"Independence Day|Halloween|Christmas(?: Eve| Day)?|Thanksgiving(?: Day)?|Labor Day|"
    r"Memorial Day)\b",
    names=True,
)
def _holiday(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "Thanksgiving Day", "last Christmas": the holiday's date in the year the tense gives."""
    if ctx.anchor is None:
        return None
    name = m["h"].lower().replace("’", "'")
    fixed = _FIXED_HOLIDAYS.get(name)
    month = fixed[0] if fixed else _FLOATING_HOLIDAYS[name][0]
    step = _step(m["q"])
    if step:
        y = ctx.anchor.year + step
        if step < 0 and _holiday_date(ctx.anchor.year, name) < ctx.anchor:
            y += 1
        elif step > 0 and _holiday_date(ctx.anchor.year, name) > ctx.anchor:
            y -= 1
    else:
        y = year_for(ctx, month) or ctx.anchor.year
    return tx.day(_holiday_date(y, name))


def _holiday_date(y: int, name: str) -> date:
    if name in _FIXED_HOLIDAYS:
        return date(y, *_FIXED_HOLIDAYS[name])
    month, weekday, n = _FLOATING_HOLIDAYS[name]
    if n > 0:
        first = date(y, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(*tx.shift_months(date(y, month, 1), 1), 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


# --------------------------------------------------------------------------------- refs
@_rule(
    "refs",
    r"\b(?P<w>(?i:now|currently|recently|more recently|the near future|the future|"
    r"recent (?:days|weeks|months|years)|coming (?:days|weeks|months|years)))\b",
)
def _reference(m: re.Match[str], ctx: Context) -> Timex | None:
    """Words TimeML values as the present, past or future rather than a calendar date."""
    w = m["w"].lower()
    if m["w"] == "Now" and m.string.startswith(",", m.end()):  # "Now, ..." opens an argument
        return None
    if w in {"now", "currently"}:
        return tx.ref("PRESENT_REF")
    if "future" in w or w.startswith("coming"):
        return tx.ref("FUTURE_REF")
    return tx.ref("PAST_REF")


# --------------------------------------------------------------------- fiscal periods
def _fiscal_year(ctx: Context, q: int, y: str | None, rel: str | None) -> int | None:
    """An explicit year, else the anchor's, or the one before when that quarter has not begun
    yet and the sentence does not speak of the future (January's news of the fourth quarter)."""
    if y:
        return int(y)
    if ctx.anchor is None:
        return None
    base = ctx.anchor.year + _step(rel)
    if not rel and not ctx.future and date(base, 3 * q - 2, 1) > ctx.anchor:
        return base - 1
    return base


@_rule(
    "fiscal",
    rf"\b(?:(?P<the>(?i:the)){_S})?(?:(?P<pre>(?i:fiscal|(?:this|last|next) year's)|{_YEAR})"
    rf"[-\s])?(?:(?i:fiscal)[-\s])?(?P<n>(?i:{_ORDINAL})){_S}(?P<u>(?i:quarter|half))"
    rf"(?![-\w])(?:{_S}(?i:of){_S}(?:(?i:fiscal){_S})?(?:(?P<y>{_YEAR})|(?P<rel>(?i:this|last|next))"
    rf"{_S}(?i:year)))?",
)
def _quarter(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "the third quarter", "the fiscal first quarter of 1990", "this year's first half"."""
    g = m.groupdict()
    pre = (g.get("pre") or "").lower()
    rel = g.get("rel") or (pre.split()[0] if pre.endswith("year's") else None)
    year_text = g.get("y") or (pre if pre[:1].isdigit() else None)
    n = _ORDINALS[m["n"].lower()]
    if m["u"].lower() == "half":
        y = _fiscal_year(ctx, 2 * n - 1, year_text, rel) if n <= 2 else None
        return tx.half(y, n) if y else None
    y = _fiscal_year(ctx, n, year_text, rel)
    if y is None:
        return None
    ctx.quarter = (y, n)
    return tx.quarter(y, n)


@_rule(
    "fiscal",
    rf"\b(?P<n>(?i:{_ORDINAL}))-(?P<u>(?i:quarter|half))\b",
)
def _quarter_adjective(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "third-quarter profit": the span leaves out the noun's "the"."""
    return _quarter(m, ctx)


@_rule("fiscal", rf"\b(?i:the) (?P<y>{_YEAR}) (?P<u>(?i:quarter|period|fiscal year|year))\b")
def _year_period(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "the 1988 period": in results news, the reported quarter of that year."""
    y = int(m["y"])
    if m["u"].lower() in {"quarter", "period"} and ctx.quarter:
        return tx.quarter(y, ctx.quarter[1])
    return tx.year(y)


@_rule(
    "fiscal",
    r"\b(?P<d>(?i:the|this)) (?:(?P<w>(?i:latest|current|same|most recent)) )?(?:(?i:fiscal) )?"
    r"(?P<u>(?i:quarter|period))\b(?!-)",
)
def _the_quarter(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "the quarter" / "the latest period" in results news: the quarter the text last named,
    else the one reported at the anchor (the last completed)."""
    if ctx.anchor is None:
        return None
    w = (m["w"] or "").lower()
    if m["u"].lower() == "period" and w not in {"latest", "most recent"}:
        return None
    if m["d"].lower() == "this":
        return tx.quarter(*tx.quarter_of(ctx.anchor)) if m["u"].lower() == "quarter" else None
    if w == "current":
        return tx.quarter(*tx.quarter_of(ctx.anchor))
    if w in {"latest", "most recent"}:
        return tx.quarter(*tx.previous_quarter(ctx.anchor))
    if ctx.quarter is None:
        ctx.quarter = tx.previous_quarter(ctx.anchor)
    return tx.quarter(*ctx.quarter)


@_rule(
    "fiscal",
    r"\b(?i:the) (?:(?i:comparable|corresponding) )?(?i:year)[-\s](?i:earlier|ago)"
    rf"(?: (?i:{_ORDINAL}))?(?:[-\s](?i:fiscal))?[-\s](?P<u>(?i:quarter|period))\b",
)
@_rule("fiscal", r"\b(?i:year)[-\s](?i:earlier|ago)\b(?![-\s](?i:quarter|period))")
def _year_ago(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "year-earlier results", "the year-ago quarter": the reported quarter a year before."""
    if ctx.anchor is None:
        return None
    if ctx.quarter is None and m.group().lower().startswith("the"):
        ctx.quarter = tx.previous_quarter(ctx.anchor)
    if ctx.quarter:
        return tx.quarter(ctx.quarter[0] - 1, ctx.quarter[1])
    return tx.year(ctx.anchor.year - 1)


# ------------------------------------------------------------------ durations and sets
_UNIT_CODES = {"year": "Y", "month": "M", "week": "W", "day": "D", "decade": "DE"}
_UNIT_CODES.update({"century": "CE", "hour": "H", "minute": "MIN", "centurie": "CE"})


@_rule(
    "durations",
    rf"\b(?P<n>(?i:{_NUM}|a few|several|many)|\d{{1,3}}(?:\.\d)?)[-\s](?P<u>(?i:year|month|week|"
    r"day|decade|century|centurie|hour|minute))s?\b(?:-old\b)?",
)
def _duration(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "three-year deal", "40-year-old", "for two weeks": an amount of time, never a date."""
    n = m["n"].lower()
    amount = "X" if n in {"a few", "several", "many"} else str(_number(n))
    if n.replace(".", "").isdigit():
        amount = n
    return tx.duration(amount, _UNIT_CODES[m["u"].lower()])


@_rule(
    "durations",
    rf"\b(?:{_WEEKDAY}(?:,? (?:and|or) | ?[-–] ?| to ))?(?P<w>{_WEEKDAY})"
    r"(?: (?P<part>nights|mornings|afternoons|evenings)|s)\b",
)
def _weekly(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "on Sundays", "Friday and Saturday nights": a weekly recurrence (SET), not one date."""
    day = _WEEKDAYS[m["w"][:3].lower()] + 1
    part = tx.DAY_PARTS[m["part"][:-1]] if m["part"] else ""
    return Timex("SET", f"XXXX-WXX-{day}" + (f"T{part}" if part else ""))


@_rule(
    "durations",
    r"\b(?P<w>(?i:annual|annually|daily|weekly|monthly|yearly|quarterly|hourly|"
    r"(?:each|every|per) (?:day|week|month|year)))\b",
)
def _set(m: re.Match[str], ctx: Context) -> Timex | None:
    """ "annual", "every week": a recurrence (TIMEX3 SET), never a date."""
    w = m["w"].lower().split()[-1].removesuffix("ly").removesuffix("l").rstrip("i")
    unit = {"annua": "Y", "year": "Y", "dai": "D", "day": "D", "week": "W", "month": "M"}.get(w)
    unit = unit or {"quarter": "Q", "hour": "H"}.get(w, "X")
    return tx.duration("1", unit, "SET")
