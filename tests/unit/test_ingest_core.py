"""build_document: offsets that slice exactly, sensible metadata, and the seed articles."""

import random
from datetime import date, datetime
from pathlib import Path

import pytest

from services.ingest.core import EmptyArticleError, build_document
from services.ingest.fetch import FetchedPage
from shared.models import ArticleSubmission, Document
from shared.settings import Settings

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SETTINGS = Settings()


def seed_submission(path: Path) -> ArticleSubmission:
    content = path.read_text(encoding="utf-8")
    return (
        ArticleSubmission(html=content)
        if path.suffix == ".html"
        else ArticleSubmission(text=content)
    )


def assert_consistent(doc: Document) -> None:
    """Every span slices Document.text exactly and respects the structure around it."""
    previous_end = 0
    for i, p in enumerate(doc.paragraphs):
        assert p.index == i and previous_end <= p.start < p.end <= len(doc.text)
        chunk = doc.text[p.start : p.end]
        assert chunk == chunk.strip() and "\n" not in chunk
        assert doc.text[previous_end : p.start].strip() == ""
        previous_end = p.end
    assert previous_end == len(doc.text)
    previous_end = 0
    for i, s in enumerate(doc.sentences):
        paragraph = doc.paragraphs[s.paragraph]
        assert s.index == i and previous_end <= s.start < s.end
        assert paragraph.start <= s.start and s.end <= paragraph.end
        sentence = doc.sentence_text(i)
        assert sentence == sentence.strip() and any(c.isalnum() for c in sentence)
        previous_end = s.end
    assert {s.paragraph for s in doc.sentences} == {p.index for p in doc.paragraphs}


@pytest.mark.parametrize(
    "path",
    sorted(p for p in SEEDS.iterdir() if p.suffix in (".txt", ".html")),
    ids=lambda p: p.name,
)
def test_every_seed_builds_a_consistent_english_document(path: Path) -> None:
    doc = build_document("seed", seed_submission(path), SETTINGS)
    assert_consistent(doc)
    assert doc.title and not doc.text.startswith(doc.title)
    assert doc.language == "en" and (doc.language_confidence or 0) > 0.9
    assert 250 <= doc.word_count <= 600
    assert len(doc.minhash) == 64 and not doc.truncated


def test_vostok_seed_is_split_like_a_careful_reader_would() -> None:
    doc = build_document(
        "vostok", seed_submission(SEEDS / "vostok-2022-china-russia.txt"), SETTINGS
    )
    sentences = [doc.sentence_text(i) for i in range(len(doc.sentences))]
    assert doc.title == (
        "China sends troops to Russia for maneuvers with other countries – the world"
    )
    assert len(doc.paragraphs) == 2 and len(sentences) == 12
    assert sentences[0].startswith("Chinese troops will travel to Russia")
    assert sentences[1].endswith(
        "“is not related to the current international and regional situation”."
    )
    assert sentences[2].startswith("The military operations are part of")
    assert sentences[2].endswith("security threats” , reads a note.")
    assert [s.paragraph for s in doc.sentences] == [0] * 3 + [1] * 9
    army = [s for s in sentences if "People’s Liberation Army" in s]
    assert len(army) == 2 and army[0].startswith("For a week, the People’s")
    assert sentences[-1].endswith("began its “special military mission” in Ukraine.")
    assert doc.published_at is None and doc.url is None and doc.content_type == "text"


def test_html_submission_takes_title_date_and_site_from_the_page() -> None:
    doc = build_document("h", seed_submission(SEEDS / "hamburg-flood-walls.html"), SETTINGS)
    assert doc.title == "Hamburg backs €640m plan to raise harbour flood walls"
    assert doc.published_at == date(2024, 3, 14)
    assert doc.source == "The Baltic Ledger"
    assert doc.content_type == "html"
    assert "Accept all" not in doc.text and "Save 40%" not in doc.text
    assert any(
        doc.sentence_text(i).startswith("Dr. Miriam Okafor, a coastal engineer")
        for i in range(len(doc.sentences))
    )


def test_list_items_become_paragraphs_without_their_bullets() -> None:
    doc = build_document("k", seed_submission(SEEDS / "kenya-tea-auction.html"), SETTINGS)
    sentences = [doc.sentence_text(i) for i in range(len(doc.sentences))]
    assert "Unsold: 24 per cent of lots" in sentences
    assert "Open a business account in minutes." not in doc.text


def test_page_headline_leaves_the_body_even_under_another_title() -> None:
    submission = ArticleSubmission(
        html=(SEEDS / "hamburg-flood-walls.html").read_text(encoding="utf-8"),
        title="Flood walls",
    )
    doc = build_document("h", submission, SETTINGS)
    assert doc.title == "Flood walls"
    assert "Hamburg backs €640m plan" not in doc.text


def test_submission_metadata_wins() -> None:
    published = datetime(2022, 8, 17, 9, 0)
    submission = ArticleSubmission(
        text="China sends troops\n\nChinese troops will travel to Russia. They will train.",
        title="China sends troops",
        published_at=published,
        language="it",
        source="Agenzia",
    )
    doc = build_document("s", submission, SETTINGS)
    assert doc.title == "China sends troops"
    assert doc.text == "Chinese troops will travel to Russia. They will train."
    assert (doc.language, doc.language_confidence) == ("it", 1.0)
    assert doc.published_at == published and doc.source == "Agenzia"


def test_text_without_a_headline_keeps_every_line() -> None:
    text = "Markets fell on Tuesday.\n\nInvestors sold shares in banks and miners."
    doc = build_document("t", ArticleSubmission(text=text), SETTINGS)
    assert doc.title is None and doc.text == text and len(doc.sentences) == 2


def test_truncation_cuts_at_a_word_and_says_so() -> None:
    text = (SEEDS / "toronto-overnight-subway.txt").read_text(encoding="utf-8")
    doc = build_document("t", ArticleSubmission(text=text), Settings(max_document_chars=500))
    assert doc.truncated and 400 < len(doc.text) <= 500
    body_start = text.split("\n\n", 1)[1]
    assert body_start.startswith(doc.text.split("\n\n")[0])
    last_word = doc.text.rsplit(" ", 1)[1]
    assert f" {last_word} " in text or f" {last_word}\n" in text
    assert_consistent(doc)


def test_url_submission_uses_the_fetched_page() -> None:
    page = FetchedPage(
        url="https://news.example/story",
        content=(SEEDS / "kenya-tea-auction.html").read_text(encoding="utf-8"),
        content_type="text/html",
    )
    submission = ArticleSubmission(url="https://short.example/abc")
    doc = build_document("u", submission, SETTINGS, page)
    assert doc.url == "https://news.example/story" and doc.content_type == "url"
    assert doc.title == "Drought lifts Kenyan tea to five-year high at Mombasa auction"
    plain = FetchedPage(
        url="https://news.example/a.txt",
        content="Tea prices climb\n\nBody text here.",
        content_type="text/plain",
    )
    doc = build_document("u", submission, SETTINGS, plain)
    assert (doc.title, doc.text) == ("Tea prices climb", "Body text here.")
    with pytest.raises(ValueError, match="fetched page"):
        build_document("u", submission, SETTINGS)


def test_empty_page_is_an_error_not_an_empty_document() -> None:
    with pytest.raises(EmptyArticleError):
        build_document(
            "e", ArticleSubmission(html="<html><body><nav>Home</nav></body></html>"), SETTINGS
        )


def test_broken_encoding_and_entities_are_repaired() -> None:
    text = "Itâ€™s a deal, said JosÃ© GarcÃ­a of AT&amp;T.\u00a0 Talks  end."
    doc = build_document("m", ArticleSubmission(text=text), SETTINGS)
    assert doc.text == "It’s a deal, said José García of AT&T. Talks end."


def test_other_languages_are_detected() -> None:
    text = (
        "Die Bundesregierung hat am Mittwoch ein neues Förderprogramm für den Ausbau der "
        "Windenergie an Land beschlossen. Nach Angaben des Wirtschaftsministeriums sollen "
        "bis 2030 rund zehn Milliarden Euro bereitgestellt werden."
    )
    doc = build_document("de", ArticleSubmission(text=text), SETTINGS)
    assert doc.language == "de" and (doc.language_confidence or 0) > 0.9


PIECES = [
    "The U.S. Senate voted.",
    "Mr. Li said “no.”",
    "Prices rose 3.5%.",
    "Why?",
    "…",
    "A headline",
    "- a bullet item",
    "• another one.",
    "Dr. J. R. Ortiz spoke at 5 p.m. Jan. 5.",
    "&amp; AT&T",
    "donâ€™t",
    "\u00a0",
    "\t",
    "東京。",
    "(See page 4.)",
]


def test_random_documents_are_consistent() -> None:
    rng = random.Random(11)
    for _ in range(120):
        lines = [
            " ".join(rng.choice(PIECES) for _ in range(rng.randint(1, 8)))
            for _ in range(rng.randint(1, 6))
        ]
        text = "".join(line + rng.choice(["\n", "\n\n", "\r\n", "\n \n\n"]) for line in lines)
        if not any(c.isalnum() for c in text):
            continue
        for submission in (
            ArticleSubmission(text=text),
            ArticleSubmission(html="<html><body>" + "".join(f"<p>{x}</p>" for x in lines)),
        ):
            try:
                doc = build_document("r", submission, Settings(max_document_chars=300))
            except EmptyArticleError:
                continue
            assert_consistent(doc)
            assert len(doc.text) <= 300
            assert doc.title is None or not doc.text.startswith(doc.title + "\n")
