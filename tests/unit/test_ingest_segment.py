"""Sentence splitting: spans are exact, and the usual traps of news prose do not split."""

import random

import pytest

from services.ingest.segment import MAX_SENTENCE_CHARS, split_sentences


def sentences(paragraph: str) -> list[str]:
    return [paragraph[start:end] for start, end in split_sentences(paragraph)]


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (
            "The U.S. Senate voted on Tuesday. He lives in the U.S. The vote was close.",
            ["The U.S. Senate voted on Tuesday.", "He lives in the U.S.", "The vote was close."],
        ),
        (
            "Mr. Smith met Dr. Jones and Prof. Lee. They spoke.",
            ["Mr. Smith met Dr. Jones and Prof. Lee.", "They spoke."],
        ),
        (
            "George W. Bush met J. K. Rowling on Jan. 5 at 3.5 p.m. in St. Louis. It rained.",
            ["George W. Bush met J. K. Rowling on Jan. 5 at 3.5 p.m. in St. Louis.", "It rained."],
        ),
        (
            "Shares rose 3.5 per cent to $12.40. Analysts were surprised.",
            ["Shares rose 3.5 per cent to $12.40.", "Analysts were surprised."],
        ),
        (
            "“We are ready.” The minister left. “Is it over?” she asked.",
            ["“We are ready.”", "The minister left.", "“Is it over?” she asked."],
        ),
        (
            "He called it “a crisis”. Nobody disagreed.",
            ["He called it “a crisis”.", "Nobody disagreed."],
        ),
        (
            "Nurses, cleaners, cooks … they all work late. It was late... Nobody came.",
            ["Nurses, cleaners, cooks … they all work late.", "It was late...", "Nobody came."],
        ),
        ("“Stop!”, she said. Then she left.", ["“Stop!”, she said.", "Then she left."]),
        ("Acme Inc. The company said so.", ["Acme Inc.", "The company said so."]),
        ("Acme Inc. Chief Executive Jo Li spoke.", ["Acme Inc. Chief Executive Jo Li spoke."]),
        ("Visit example.com today. Or not!", ["Visit example.com today.", "Or not!"]),
        ("Really? Yes! Fine.", ["Really?", "Yes!", "Fine."]),
        ("A headline without a final stop", ["A headline without a final stop"]),
        ("(Reporting by Jane Doe.) Editing by Li.", ["(Reporting by Jane Doe.)", "Editing by Li."]),
        ("東京は晴れ。大阪は雨！本当？", ["東京は晴れ。", "大阪は雨！", "本当？"]),
    ],
)
def test_sentences(paragraph: str, expected: list[str]) -> None:
    assert sentences(paragraph) == expected


def test_bullet_marker_is_not_part_of_the_sentence() -> None:
    assert sentences("• Average price: $3.42 per kg. Up 12.5 per cent") == [
        "Average price: $3.42 per kg.",
        "Up 12.5 per cent",
    ]
    assert sentences("- Unsold: 24 per cent of lots") == ["Unsold: 24 per cent of lots"]
    assert sentences("2. Second point. It matters.") == ["Second point.", "It matters."]


def test_punctuation_only_fragment_joins_a_neighbour() -> None:
    assert sentences("It ended. …") == ["It ended. …"]
    assert sentences("… And then it ended.") == ["… And then it ended."]


def test_runaway_sentence_is_cut_at_spaces() -> None:
    paragraph = " ".join(["word"] * (MAX_SENTENCE_CHARS // 2))
    spans = split_sentences(paragraph)
    assert len(spans) > 1
    assert all(end - start <= MAX_SENTENCE_CHARS for start, end in spans)
    assert " ".join(paragraph[s:e] for s, e in spans) == paragraph


FRAGMENTS = [
    "The U.S. said so.",
    "Mr. Li agreed.",
    "“Why?” he asked.",
    "It cost $3.5 billion.",
    "Wait …",
    "No.",
    "(See above.)",
    "Dr. J. R. Ortiz, of Acme Inc., spoke.",
    "…",
    "“Yes!”",
    "A line without a stop",
    "e.g. this one",
    "Sept. 30.",
    "Prices rose 12.5%!",
    "东京。",
]


def test_spans_are_exact_ordered_and_cover_the_paragraph() -> None:
    rng = random.Random(7)
    for _ in range(500):
        paragraph = " ".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 12)))
        spans = split_sentences(paragraph)
        assert spans, paragraph
        previous_end = 0
        for start, end in spans:
            assert previous_end <= start < end <= len(paragraph), paragraph
            assert paragraph[start:end] == paragraph[start:end].strip(), paragraph
            assert paragraph[previous_end:start].strip() == "", paragraph
            previous_end = end
        assert paragraph[previous_end:].strip() == "", paragraph
