"""The date grammar: ISO values relative to the publication date, ranges, granularity, traps."""

from datetime import date

import pytest

from services.extraction.dates import anchor_date, find_dates
from services.extraction.entities import Span
from services.extraction.sentences import SentenceIndex
from shared.models import DateMention, Document

PUBLISHED = date(2022, 8, 17)  # a Wednesday


def _dates(
    text: str, published: date | None = PUBLISHED, names: list[str] | None = None
) -> list[DateMention]:
    doc = Document(article_id="t", text=text, content_type="text")
    index = SentenceIndex(doc)
    blocked = [Span(text.index(n), text.index(n) + len(n), "MISC") for n in names or []]
    return find_dates(text, published, index, index.bounds, blocked, [])


def _one(text: str, published: date | None = PUBLISHED) -> DateMention:
    found = _dates(text, published)
    assert len(found) == 1, found
    return found[0]


def test_range_gives_start_end_and_text() -> None:
    d = _one("Drills run from 30 August to 5 September, officials said.")
    assert (d.text, d.value, d.end_value, d.granularity) == (
        "30 August to 5 September",
        date(2022, 8, 30),
        date(2022, 9, 5),
        "day",
    )


@pytest.mark.parametrize(
    ("text", "value", "end", "granularity"),
    [
        ("It happened on February 24.", date(2022, 2, 24), None, "day"),
        ("Talks on 4 March 2021 failed.", date(2021, 3, 4), None, "day"),
        ("Talks on Aug. 3, 2019 failed.", date(2019, 8, 3), None, "day"),
        ("Prices rose in July.", date(2022, 7, 1), None, "month"),  # month, not today's day
        ("The vote is in December 2023.", date(2023, 12, 1), None, "month"),
        ("The last drills took place in 2018, officials said.", date(2018, 1, 1), None, "year"),
        ("Sales fell earlier this month.", date(2022, 8, 1), None, "month"),
        ("Sales fell last week.", date(2022, 8, 8), date(2022, 8, 14), "day"),
        ("He spoke on Monday.", date(2022, 8, 15), None, "day"),
        ("He will speak on Monday.", date(2022, 8, 22), None, "day"),
        ("He left yesterday.", date(2022, 8, 16), None, "day"),
        ("The plan ran May 5-7, 2020.", date(2020, 5, 5), date(2020, 5, 7), "day"),
        ("Growth slowed from July to September.", date(2022, 7, 1), date(2022, 9, 30), "month"),
        ("It was built in the 1990s.", date(1990, 1, 1), date(1999, 12, 31), "year"),
        ("It started three years ago.", date(2019, 1, 1), None, "year"),
        ("The summit is on 1996-08-22.", date(1996, 8, 22), None, "day"),
    ],
)
def test_expressions(text: str, value: date, end: date | None, granularity: str) -> None:
    d = _one(text)
    assert (d.value, d.end_value, d.granularity) == (value, end, granularity)
    assert text[d.start : d.end] == d.text


def test_yearless_date_takes_the_closest_year_for_the_tense() -> None:
    jan = date(2023, 1, 10)
    assert _one("The deal was signed on December 28.", jan).value == date(2022, 12, 28)
    assert _one("Elections will be held on November 5.", date(2022, 1, 10)).value == date(
        2022, 11, 5
    )
    assert _one("Elections will be held on 5 January.", date(2022, 12, 1)).value == date(2023, 1, 5)


def test_no_dates_inside_names_or_verbs() -> None:
    text = "They met at the Beijing 2022 Winter Olympic Games. She may march."
    assert _dates(text, names=["Beijing 2022 Winter Olympic Games"]) == []


def test_anchor_falls_back_to_a_dateline_else_none() -> None:
    assert anchor_date(None, "BRUSSELS 1996-08-22 The Commission said on Thursday ...") == date(
        1996, 8, 22
    )
    assert anchor_date(None, "No date here.") is None


def test_relative_dates_without_anchor_are_not_guessed() -> None:
    assert _dates("He spoke on Monday and left in July.", None) == []
    assert _one("Signed on 4 March 2021.", None).value == date(2021, 3, 4)


def test_tense_is_read_outside_quotations() -> None:
    text = 'Clinton said on Thursday: "We will not back down." He will fly out on Monday.'
    found = {d.text: d.value for d in _dates(text, date(1996, 8, 22))}  # a Thursday
    assert found == {"Thursday": date(1996, 8, 22), "Monday": date(1996, 8, 26)}
