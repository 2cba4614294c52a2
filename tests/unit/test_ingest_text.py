"""Text repair, paragraph boundaries and headline detection."""

import pytest

from services.ingest.paragraphs import (
    paragraphs_from_blocks,
    paragraphs_from_lines,
    split_blocks,
)
from services.ingest.text import fix_mojibake, repair_text, unescape_entities
from services.ingest.title import drop_repeated_title, looks_like_headline
from services.ingest.words import count_words


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("donâ€™t", "don’t"),
        ("â€œQuoteâ€\x9d", "“Quote”"),
        ("CafÃ© in ZÃ¼rich costs â‚¬5", "Café in Zürich costs €5"),
        ("Ã‰mile", "Émile"),
    ],
)
def test_mojibake_is_repaired(broken: str, fixed: str) -> None:
    assert fix_mojibake(broken) == fixed


@pytest.mark.parametrize(
    "clean", ["„Fuß“ und Straße", "Ça va, señor? Ærø 5 °C", "naïve “quotes” — done", "日本語"]
)
def test_clean_text_is_left_alone(clean: str) -> None:
    assert fix_mojibake(clean) == clean


def test_entities_only_in_their_complete_form() -> None:
    assert unescape_entities("AT&amp;T &#8220;hi&#8221; &eacute;") == "AT&T “hi” é"
    assert unescape_entities("rock&notes R&D") == "rock&notes R&D"


def test_repair_unifies_whitespace_and_drops_invisibles() -> None:
    raw = "A\u00a0b\tc\u200b d\u00adx\r\nnext\u2028line\ufeff\x00"
    assert repair_text(raw) == "A b c dx\nnext\nline"
    assert repair_text("a &amp; b", entities=True) == "a & b"
    assert repair_text("a &amp; b") == "a &amp; b"


def test_long_lines_are_paragraphs_even_without_blank_lines() -> None:
    first, second = "A first paragraph. " * 8, "A second one. " * 10
    assert paragraphs_from_blocks(split_blocks(f"{first}\n{second}")) == [
        first.strip(),
        second.strip(),
    ]


def test_hard_wrapped_text_is_unwrapped() -> None:
    text = (
        "The council voted on Wednesday to keep the\n"
        "trains running through the night on two of\n"
        "the busiest lines.\n"
        "\n"
        "Opponents said the money would be better\n"
        "spent on fixing slow zones first.\n"
    )
    assert paragraphs_from_blocks(split_blocks(text)) == [
        "The council voted on Wednesday to keep the trains running through the night on two"
        " of the busiest lines.",
        "Opponents said the money would be better spent on fixing slow zones first.",
    ]


def test_short_sentence_lines_and_list_items_stay_separate() -> None:
    text = "Key figures:\n- Price: $3.42\n- Volume: 148,000\nPrices rose.\nBuyers left."
    assert paragraphs_from_blocks(split_blocks(text)) == [
        "Key figures:",
        "- Price: $3.42",
        "- Volume: 148,000",
        "Prices rose.",
        "Buyers left.",
    ]


def test_extracted_html_has_one_paragraph_per_line() -> None:
    assert paragraphs_from_lines("  One  line \n\n\nTwo\n") == ["One line", "Two"]


@pytest.mark.parametrize(
    ("text", "headline"),
    [
        ("Toronto to test overnight subway\n\nTrains will run all night.", True),
        ("Is the drought over?\n\nRain fell in Kericho.", True),
        ("This is a sentence.\n\nAnd another.", False),
        ("Only one block of text", False),
        ("Headline\nwith a second line\n\nBody.", False),
        ("lower-case start is prose\n\nBody.", False),
        ("- a list item\n\nBody.", False),
        ("By Jane Doe, Reuters\n\nBody.", False),
        ("August 17, 2022 12:04\n\nBody.", False),
        ("UPDATED\n\nBody.", False),
    ],
)
def test_headline_detection(text: str, headline: bool) -> None:
    assert looks_like_headline(split_blocks(text)) is headline


def test_repeated_title_is_dropped_from_the_body() -> None:
    body = ["Hamburg backs €640m plan!", "The senate voted."]
    assert drop_repeated_title("hamburg backs  €640m plan", body) == ["The senate voted."]
    assert drop_repeated_title("Something else", body) == body
    assert drop_repeated_title(None, body) == body


def test_words_are_counted_as_a_reader_would() -> None:
    assert count_words("Don’t sell 148,000 air-naval kits at 3.5 per cent — ever.") == 10
    assert count_words("… — !") == 0
