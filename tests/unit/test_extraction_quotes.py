"""Quotes and their speakers, through the extraction core as the worker runs it."""

import time

import pytest

from services.extraction.core import Pipeline, extract, load_pipeline
from services.extraction.quote_spans import quoted_spans
from services.ingest.core import build_document
from shared.models import ArticleSubmission, Quote
from shared.settings import Settings


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return load_pipeline(Settings())


def _quotes(pipeline: Pipeline, text: str, disabled: frozenset[str] = frozenset()) -> list[Quote]:
    document = build_document("q", ArticleSubmission(text=text), Settings())
    found = extract(pipeline, document, disabled).quotes
    for q in found:
        assert document.text[q.start : q.end] == q.text
    return found


def _speakers(pipeline: Pipeline, text: str) -> list[tuple[str, str | None, str | None]]:
    """(first two words of the quote, speaker entity name, the words naming it)."""
    out = []
    for q in _quotes(pipeline, text):
        document_text = build_document("q", ArticleSubmission(text=text), Settings()).text
        words = (
            document_text[q.speaker_start : q.speaker_end]
            if q.speaker_start is not None and q.speaker_end is not None
            else None
        )
        out.append((" ".join(q.text.split()[:2]), q.speaker, words))
    return out


def test_speaker_after_and_before_the_quote(pipeline: Pipeline) -> None:
    text = (
        "“We will respond to any provocation,” said Vladimir Putin. "
        "Angela Merkel told reporters: “Europe stands together on this.”"
    )
    found = _speakers(pipeline, text)
    assert [(q, s) for q, s, _ in found] == [
        ("We will", "Vladimir Putin"),
        ("Europe stands", "Angela Merkel"),
    ]


def test_a_pronoun_goes_back_to_the_person_who_spoke(pipeline: Pipeline) -> None:
    text = (
        "Senator Elizabeth Warren met union leaders in Detroit on Monday. "
        "“Workers built this country and they deserve a raise,” she said. "
        "The meeting ran late.\n\n"
        "“We are not going anywhere,” she told the crowd."
    )
    found = _speakers(pipeline, text)
    assert [(s, w) for _, s, w in found] == [
        ("Elizabeth Warren", "she"),
        ("Elizabeth Warren", "she"),
    ]


def test_the_subject_speaks_not_a_name_in_the_list_before(pipeline: Pipeline) -> None:
    text = (
        "The team beat Arsenal with goals from Harry Kane, Son Heung-min and Dele Alli. "
        "“It was a performance full of character from start to finish,” manager Mauricio "
        "Pochettino said after the match."
    )
    assert [s for _, s, _ in _speakers(pipeline, text)] == ["Mauricio Pochettino"]


def test_a_nationality_or_a_platform_is_not_the_speaker(pipeline: Pipeline) -> None:
    text = (
        "Turkish officials met in Ankara. President Recep Tayyip Erdogan wrote on Twitter: "
        "“We will never bow to these threats against our nation.”"
    )
    assert [s for _, s, _ in _speakers(pipeline, text)] == ["Recep Tayyip Erdogan"]


def test_according_to_and_apposition(pipeline: Pipeline) -> None:
    text = (
        "“The budget will be balanced by next year,” according to Treasury Secretary Janet "
        "Yellen. “We cannot wait any longer,” Jens Albrecht, the senator for the environment, "
        "told reporters."
    )
    assert [s for _, s, _ in _speakers(pipeline, text)] == ["Janet Yellen", "Jens Albrecht"]


def test_a_quote_split_by_its_cue_keeps_the_speaker(pipeline: Pipeline) -> None:
    text = (
        "“This is in their heads,” said Pat Caddell, a pollster. "
        "“It is one of the things worrying the voters this year.”"
    )
    found = _speakers(pipeline, text)
    assert [s for _, s, _ in found] == ["Pat Caddell", "Pat Caddell"]


def test_scare_quotes_and_apostrophes_are_not_quotes(pipeline: Pipeline) -> None:
    text = "The ‘Vostok’ drills, an “unlimited” partnership, China’s army and the People’s party."
    assert _quotes(pipeline, text) == []


def test_a_quote_of_several_paragraphs_is_one_quote() -> None:
    text = (
        "He said: “The first paragraph of the quote has no closing mark.\n\n"
        "“The second one closes it.” Then the story goes on."
    )
    spans = quoted_spans(text)
    assert len(spans) == 1
    quoted = text[spans[0].start : spans[0].end]
    assert quoted.startswith("The first") and quoted.endswith("closes it.")
    # Without the rule, the unclosed paragraph is not a quote; the second one still is.
    alone = quoted_spans(text, continue_paragraphs=False)
    assert [text[s.start : s.end] for s in alone] == ["The second one closes it."]


def test_straight_quotes_pair_by_direction() -> None:
    text = (
        'She called it "a total disaster for everyone" and left. '
        '"We have nothing more to say," he said. "No comment."'
    )
    assert [text[s.start : s.end] for s in quoted_spans(text)] == [
        "a total disaster for everyone",
        "We have nothing more to say,",
    ]  # two words are not speech


def test_hostile_quote_marks_take_linear_time() -> None:
    text = "“" + "word " * 20000 + "“" * 20000 + '"' * 20000 + "”" * 20000 + "\n\n“x" * 5000
    began = time.perf_counter()
    quoted_spans(text)
    assert time.perf_counter() - began < 2.0
