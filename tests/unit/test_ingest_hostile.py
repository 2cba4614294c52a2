"""Hostile but valid inputs stay linear in ingest: each case was quadratic or worse before.

The budgets are generous (about 20x what the linear code takes on a loaded 2-core machine) and
far below what the quadratic code took (minutes): they catch the complexity class, not speed.
"""

import time
from collections.abc import Callable

from services.ingest.html import MAX_DEPTH, extract_html
from services.ingest.segment import split_sentences


def _seconds(work: Callable[[], object]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def test_a_long_run_of_dots_is_split_in_linear_time() -> None:
    text = "Word" + "." * 200_000 + "word and more. Next sentence here."
    assert _seconds(lambda: split_sentences(text)) < 2.0  # quadratic: 6 s for 10,000 dots


def test_runs_of_marks_still_end_sentences() -> None:
    text = "It ended... Then it began again?! Yes."
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "It ended...",
        "Then it began again?!",
        "Yes.",
    ]


def _paragraphs(n: int) -> str:
    return "".join(f"<p>Paragraph {i} tells of the council meeting in full.</p>" for i in range(n))


def test_nested_ad_boxes_around_a_long_story_stay_linear() -> None:
    nested = '<div class="ad">' * 250 + _paragraphs(3000) + "</div>" * 250
    flat = _paragraphs(3000)
    deep = _seconds(lambda: extract_html(f"<html><body>{nested}</body></html>"))
    shallow = _seconds(lambda: extract_html(f"<html><body>{flat}</body></html>"))
    assert deep < 5 * shallow + 1.0  # elements x depth before: 250 times the flat page's work


def test_flattened_markup_keeps_every_paragraph() -> None:
    nested = "<section>" * (MAX_DEPTH + 40) + _paragraphs(30) + "</section>" * (MAX_DEPTH + 40)
    page = extract_html(f"<html><body>{nested}</body></html>")
    lines = page.text.splitlines()
    assert lines[0].startswith("Paragraph 0 ") and lines[-1].startswith("Paragraph 29 ")
    assert len(lines) == 30
