"""The summarization core on Documents built here, so it is tested apart from ingest."""

import pytest

from services.summarization.budget import summary_budget
from services.summarization.core import summarize
from services.summarization.text import words
from shared.models import Document, Sentence, SummaryOptions
from shared.settings import Settings


def make_document(sentences: list[str], title: str | None = None) -> Document:
    """One paragraph per sentence, separated by blank lines, with exact offsets."""
    text, spans, at = "", [], 0
    for i, s in enumerate(sentences):
        if i:
            text += "\n\n"
            at += 2
        spans.append(Sentence(index=i, start=at, end=at + len(s), paragraph=i))
        text += s
        at += len(s)
    return Document(article_id="t", text=text, title=title, content_type="text", sentences=spans)


STORY = [
    "The city council approved a new budget for public libraries on Tuesday.",
    "The budget adds two million pounds for library opening hours and new books.",
    "Council leader Jane Smith said libraries were vital for the city.",
    "Opposition members said the money should have gone to road repairs instead.",
    "The weather on Tuesday was mild, with light rain in the afternoon.",
    "Library staff welcomed the budget and said opening hours would rise next month.",
    "A local football club also announced a new coach.",
]

SETTINGS = Settings()


def test_summary_is_in_document_order_with_offsets_and_scores() -> None:
    doc = make_document(STORY, title="Council approves library budget")
    summary = summarize(doc, SummaryOptions(sentences=3), SETTINGS)
    assert summary.budget == 3
    assert summary.method and summary.method_version
    indices = [s.index for s in summary.sentences]
    assert len(indices) == 3 and indices == sorted(indices)
    for s in summary.sentences:
        assert doc.text[s.start : s.end] == s.text == STORY[s.index]
        assert isinstance(s.score, float)


def test_off_topic_sentences_are_not_picked() -> None:
    doc = make_document(STORY, title="Council approves library budget")
    picked = {s.index for s in summarize(doc, SummaryOptions(sentences=3), SETTINGS).sentences}
    assert 0 in picked
    assert not picked & {4, 6}


@pytest.mark.parametrize(
    ("options", "n", "expected"),
    [
        (SummaryOptions(sentences=2), 10, 2),
        (SummaryOptions(sentences=20), 10, 10),
        (SummaryOptions(ratio=0.3), 10, 3),
        (SummaryOptions(ratio=0.01), 10, 1),
        (SummaryOptions(), 10, 3),
        (SummaryOptions(), 0, 0),
    ],
)
def test_budget(options: SummaryOptions, n: int, expected: int) -> None:
    assert summary_budget(options, n, SETTINGS) == expected


def test_budget_is_capped_by_settings() -> None:
    settings = Settings(summary_max_sentences=4)
    assert summary_budget(SummaryOptions(sentences=10), 30, settings) == 4
    assert summary_budget(SummaryOptions(ratio=1.0), 30, settings) == 4


def test_default_budget_comes_from_settings() -> None:
    settings = Settings(summary_sentences=2)
    assert len(summarize(make_document(STORY), SummaryOptions(), settings).sentences) == 2


def test_ratio_option() -> None:
    summary = summarize(make_document(STORY), SummaryOptions(ratio=0.5), SETTINGS)
    assert summary.budget == 4 and len(summary.sentences) == 4


def test_one_sentence_and_empty_articles() -> None:
    one = summarize(make_document(["Just one sentence here."]), SummaryOptions(), SETTINGS)
    assert [s.index for s in one.sentences] == [0] and one.budget == 1
    empty = Document(article_id="e", text="", content_type="text")
    summary = summarize(empty, SummaryOptions(sentences=3), SETTINGS)
    assert summary.budget == 0 and summary.sentences == []


def test_headline_repeated_in_body_is_dropped() -> None:
    title = "Council approves library budget"
    doc = make_document(["Council approves library budget.", *STORY], title=title)
    summary = summarize(doc, SummaryOptions(sentences=2), SETTINGS)
    assert 0 not in {s.index for s in summary.sentences}
    assert len(summary.sentences) == 2


def test_sentences_without_words_are_skipped() -> None:
    doc = make_document(["•", "—", *STORY])
    picked = {s.index for s in summarize(doc, SummaryOptions(sentences=3), SETTINGS).sentences}
    assert not picked & {0, 1}


def test_near_duplicate_sentences_are_not_both_picked() -> None:
    doc = make_document([STORY[0], STORY[0].replace("Tuesday", "Tuesday evening"), *STORY[1:]])
    picked = {s.index for s in summarize(doc, SummaryOptions(sentences=3), SETTINGS).sentences}
    assert not {0, 1} <= picked


def test_non_english_text_still_gets_a_summary() -> None:
    sentences = [
        "Le conseil municipal a approuvé mardi un nouveau budget pour les bibliothèques.",
        "Le budget ajoute deux millions d'euros pour les horaires des bibliothèques.",
        "Il a fait beau mardi après-midi.",
        "Центральный банк повысил ставку.",
    ]
    summary = summarize(make_document(sentences), SummaryOptions(sentences=2), SETTINGS)
    assert [s.index for s in summary.sentences] == [0, 1]


def test_is_deterministic() -> None:
    doc = make_document(STORY, title="Council approves library budget")
    first = summarize(doc, SummaryOptions(sentences=3), SETTINGS)
    assert summarize(doc, SummaryOptions(sentences=3), SETTINGS) == first


def test_fragments_before_the_lead_do_not_push_it_out() -> None:
    byline = ["By .", "Staff Reporter .", "PUBLISHED: .", "07:58 EST, 4 November 2013 ."]
    doc = make_document([*byline, *STORY])
    picked = {s.index for s in summarize(doc, SummaryOptions(sentences=3), SETTINGS).sentences}
    assert 4 in picked
    assert not picked & {0, 1, 2, 3}


def test_unspaced_scripts_are_tokenised_per_character() -> None:
    assert words("中央银行提高了利率。") == list("中央银行提高了利率")
    assert words("The bank's rate, 5%") == ["the", "bank", "rate", "5"]
