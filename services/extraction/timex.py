"""Calendar values of time expressions and their TIMEX3 spelling (TimeML, ISO-TimeML).

A ``Timex`` is what a grammar rule resolves an expression to: a period (day, ISO week, month,
quarter, half, season, year, decade, century) given by its first day, a reference to the
present/past/future, or a duration/set that has no calendar position. ``value`` renders it the
way TIMEX3 annotations write it ("1998-01-08", "1998-W32", "1998-Q1", "1998-SU", "199",
"PRESENT_REF", "P3M"), so output can be compared with TempEval data and read by other tools.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Granularity = Literal[
    "day", "week", "month", "quarter", "half", "season", "year", "decade", "century"
]
TimexType = Literal["DATE", "TIME", "DURATION", "SET"]

# TIMEX3 season codes with the month each starts in (meteorological seasons, northern
# hemisphere: TimeML fixes no boundaries, these make "last summer" in October the same year's).
SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
# TIMEX3 codes for parts of a day ("Friday night" -> 1998-01-09TNI).
DAY_PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}


@dataclass(frozen=True)
class Timex:
    """A resolved expression: its TIMEX3 type and value, and its calendar span if it has one."""

    type: TimexType
    value: str
    start: date | None = None
    granularity: Granularity | None = None
    end: date | None = None  # only for an explicit range ("30 August to 5 September")


def day(d: date, part: str | None = None) -> Timex:
    """A calendar day; with a part of the day ("night") it is a TIME, as TIMEX3 types it."""
    if part:
        return Timex("TIME", f"{d:%Y-%m-%d}T{DAY_PARTS[part]}", d, "day")
    return Timex("DATE", f"{d:%Y-%m-%d}", d, "day")


def week(d: date) -> Timex:
    """The ISO week holding ``d`` (Monday first), spelled 1998-W02."""
    iso = d.isocalendar()
    monday = d - timedelta(days=d.weekday())
    return Timex("DATE", f"{iso.year}-W{iso.week:02d}", monday, "week")


def month(year: int, m: int) -> Timex:
    return Timex("DATE", f"{year:04d}-{m:02d}", date(year, m, 1), "month")


def quarter(year: int, q: int) -> Timex:
    return Timex("DATE", f"{year:04d}-Q{q}", date(year, 3 * q - 2, 1), "quarter")


def half(year: int, h: int) -> Timex:
    return Timex("DATE", f"{year:04d}-H{h}", date(year, 6 * h - 5, 1), "half")


def season(year: int, code: str) -> Timex:
    return Timex("DATE", f"{year:04d}-{code}", date(year, SEASON_START[code], 1), "season")


def year(y: int) -> Timex:
    return Timex("DATE", f"{y:04d}", date(y, 1, 1), "year")


def decade(y: int) -> Timex:
    return Timex("DATE", f"{y // 10:03d}", date(y - y % 10, 1, 1), "decade")


def century(ordinal: int) -> Timex:
    """The n-th century: TIMEX3 writes the 20th century as "19" (its years 19xx)."""
    return Timex("DATE", f"{ordinal - 1:02d}", date(max(1, (ordinal - 1) * 100), 1, 1), "century")


def ref(kind: Literal["PRESENT_REF", "PAST_REF", "FUTURE_REF"]) -> Timex:
    return Timex("DATE", kind)


def day_range(first: date, last: date) -> Timex:
    return Timex("DATE", f"{first:%Y-%m-%d}", first, "day", last)


def month_range(first: tuple[int, int], last: tuple[int, int]) -> Timex:
    end = date(last[0], last[1], calendar.monthrange(*last)[1])
    return Timex("DATE", f"{first[0]:04d}-{first[1]:02d}", date(*first, 1), "month", end)


def year_range(first: int, last: int) -> Timex:
    return Timex("DATE", f"{first:04d}", date(first, 1, 1), "year", date(last, 12, 31))


def duration(amount: str, unit: str, kind: TimexType = "DURATION") -> Timex:
    """P3M, P2Y, PXW ...: ``unit`` one of D, W, M, Y, DE (decade), CE (century), H (hours)."""
    time = "T" if unit in {"H", "MIN"} else ""
    return Timex(kind, f"P{time}{amount}{unit.replace('MIN', 'M')}")


def shift_months(d: date, months: int) -> tuple[int, int]:
    """(year, month) ``months`` after ``d``'s month."""
    index = d.year * 12 + d.month - 1 + months
    return index // 12, index % 12 + 1


def quarter_of(d: date) -> tuple[int, int]:
    return d.year, (d.month - 1) // 3 + 1


def previous_quarter(d: date) -> tuple[int, int]:
    """The last quarter completed before ``d``: what a results report published then covers."""
    y, q = quarter_of(d)
    return (y, q - 1) if q > 1 else (y - 1, 4)


def last_season(anchor: date, code: str, step: int) -> Timex:
    """The season ``code`` of the cycle ``step`` away: -1 the last one completed before the
    anchor ("last fall" in October is the previous year's), 0 this one, 1 the next to come."""
    start = SEASON_START[code]
    y = anchor.year if code != "WI" or anchor.month == 12 else anchor.year - 1
    begins = date(y, start, 1)
    ends = date(*shift_months(begins, 3), 1)
    if step < 0:
        while ends > anchor:
            y -= 1
            ends = date(*shift_months(date(y, start, 1), 3), 1)
    elif step > 0 and begins <= anchor:
        y += 1
    return season(y, code)
