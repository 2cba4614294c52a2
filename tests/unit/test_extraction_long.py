"""Long documents: extraction reads the sentences within Settings.max_nlp_chars and says so."""

import pytest

from services.extraction.core import Pipeline, extract, load_pipeline
from services.extraction.nlp_part import nlp_part
from services.ingest.core import build_document
from shared.models import ArticleSubmission, Document
from shared.settings import Settings

OPENING = "Angela Merkel met Emmanuel Macron in Paris on Monday."
FILLER = "The talks went on through the afternoon and into the evening."
CLOSING = "Later, Justin Trudeau flew to Ottawa."


def _document(text: str) -> Document:
    return build_document("long", ArticleSubmission(text=text), Settings())


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return load_pipeline(Settings(max_nlp_chars=2_000))


def test_a_short_document_is_read_whole() -> None:
    document = _document(f"{OPENING} {FILLER}")
    assert nlp_part(document, 2_000) == (document, [])


def test_the_cut_falls_at_a_sentence_end_within_the_cap() -> None:
    document = _document(" ".join([OPENING] + [FILLER] * 60))
    part, warnings = nlp_part(document, 500)
    assert len(part.text) <= 500 and part.text.endswith("evening.")
    assert part.sentences[-1].end == len(part.text)
    assert document.text.startswith(part.text) and len(warnings) == 1


def test_one_sentence_longer_than_the_cap_is_cut_at_the_cap() -> None:
    document = _document("word " * 400)
    part, _ = nlp_part(document, 100)
    assert len(part.text) == 100 and part.sentences[0].end == 100


def test_names_beyond_the_cap_are_not_read_and_a_warning_says_so(pipeline: Pipeline) -> None:
    text = " ".join([OPENING] + [FILLER] * 60 + [CLOSING])
    extraction = extract(pipeline, _document(text))
    names = {e.name for e in extraction.entities}
    assert {"Angela Merkel", "Emmanuel Macron", "Paris"} <= names
    assert "Justin Trudeau" not in names and "Ottawa" not in names
    assert any("MAX_NLP_CHARS" in w for w in extraction.warnings)
