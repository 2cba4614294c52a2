"""Quotes and their speakers, through the extraction core as the worker runs it."""

import time

import pytest
import spacy

from services.extraction.core import Pipeline, extract, load_pipeline
from services.extraction.quote_spans import is_title, quoted_spans
from services.extraction.quotes import find_quotes
from services.extraction.sentences import SentenceIndex
from services.ingest.core import build_document
from shared.models import ArticleSubmission, Document, Quote
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


def _seconds(text: str) -> float:
    began = time.perf_counter()
    quoted_spans(text)
    return time.perf_counter() - began


def test_hostile_quote_marks_take_linear_time() -> None:
    def hostile(n: int) -> str:
        return "“" + "word " * n + "“" * n + '"' * n + "”" * n + "\n\n“x" * (n // 4)

    small, large = _seconds(hostile(2000)), _seconds(hostile(16000))
    assert large < 20 * small  # 8 times the input: linear is ~8x, quadratic ~64x


def test_many_quotes_cost_little_next_to_the_parse(pipeline: Pipeline) -> None:
    text = "Ann Lee spoke. " + "“We will win this,” she said, “and ‘then win again’ " * 80
    document = build_document("q", ArticleSubmission(text=text), Settings())
    entities = extract(pipeline, document).entities
    began = time.perf_counter()
    doc = pipeline.nlp(document.text)
    parse = time.perf_counter() - began
    began = time.perf_counter()
    found = find_quotes(document.text, SentenceIndex(document), entities, doc)
    assert time.perf_counter() - began < parse
    assert len(found) >= 80


def test_titles_of_works_and_single_marks_are_not_speech() -> None:
    text = (
        "She told “Meet the Press” that the plan was ‘a good start for all of us’ and added, "
        "“We will keep working on it.”"
    )
    spans = [
        text[s.start : s.end] for s in quoted_spans(text) if not is_title(text[s.start : s.end])
    ]
    assert spans == ["We will keep working on it."]
    # ‘…’ never held a direct quote on PolNeAR (docs/extraction.md): not read as one.
    assert (
        quoted_spans("The minister said the plan was ‘a good start for all of us’ on Monday.") == []
    )


def test_a_short_quote_speaks_when_a_cue_follows(pipeline: Pipeline) -> None:
    text = (
        "Voters met in Des Moines. “They’re worried,” Ben Carson said. “There is no question "
        "about it.” Others called it “unfair” and left."
    )
    found = _speakers(pipeline, text)
    assert [(q, s) for q, s, _ in found] == [
        ("They’re worried,", "Ben Carson"),
        ("There is", "Ben Carson"),
    ]


def test_a_name_and_a_colon_introduce_the_quote(pipeline: Pipeline) -> None:
    text = (
        "Analysts weighed in on the primary results. Philip Bump: “Two weeks ago, his strongest "
        "territory had been the South.”"
    )
    assert [w for _, _, w in _speakers(pipeline, text)] == ["Philip Bump"]


def test_without_a_parse_quotes_are_found_and_nothing_crashes() -> None:
    text = "“We will respond to any provocation,” said Vladimir Putin. Others: “No comment here.”"
    document = Document(article_id="q", text=text, content_type="text")
    found = find_quotes(text, SentenceIndex(document), [], spacy.blank("en")(text))
    assert [q.text for q in found] == ["We will respond to any provocation,", "No comment here."]
    assert all(q.speaker_start is None for q in found)


def test_a_name_between_the_quote_and_a_subjectless_cue_speaks(pipeline: Pipeline) -> None:
    # The parse reads the name into the quote's clause and leaves "said" without a subject.
    text = (
        "“We have had better seasons than this one,” Ohio delegate Mark Hale, wearing a red hat, "
        "said as the music played."
    )
    assert [(w, s) for _, s, w in _speakers(pipeline, text)] == [
        ("Ohio delegate Mark Hale", "Mark Hale")
    ]


def test_a_cue_under_a_preposition_takes_the_subject_of_its_verb(pipeline: Pipeline) -> None:
    text = (
        "Governor Tom Reed spoke in Albany on Monday. He ended the briefing by saying: “We will "
        "open the bridge before winter.”"
    )
    assert [(w, s) for _, s, w in _speakers(pipeline, text)] == [("He", "Tom Reed")]
