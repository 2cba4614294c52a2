"""The corpus benchmark's generator (bench/corpus_vary.py, corpus_rewrite.py) and its pure helpers.

The base article is a small hand-written one run through ingest (real sentence offsets), with an
extraction written here: no model is loaded.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest

from bench.corpus_report import percentile
from bench.corpus_rewrite import rewrite
from bench.corpus_samples import word_bands
from bench.corpus_vary import DAYS, START, Vocabulary, generate, vocabulary
from services.ingest.core import build_document
from shared.models import ArticleResult, ArticleSubmission, StageStatus
from shared.models.extraction import Entity, Extraction, Keyphrase, Mention, Place
from shared.models.summary import Summary, SummarySentence
from shared.settings import Settings

TEXT = """Jane Doe met Acme Holdings in Paris on Monday. The talks lasted three hours.

Doe said the deal was close. Acme Holdings declined to comment on the figures.

Officials in Paris welcomed the news. Markets rose slightly after the announcement.

Jane Doe will return next week. Analysts expect a signed contract by the spring.

The union asked for guarantees. Doe promised to meet its leaders before the vote."""

NAMES = (("Jane Doe", "PERSON"), ("Doe", "PERSON"), ("Acme Holdings", "ORG"), ("Paris", "GPE"))


def _base(article_id: str = "base-00000") -> ArticleResult:
    submission = ArticleSubmission.model_validate(
        {"text": TEXT, "title": "Jane Doe meets Acme Holdings", "source": "test"}
    )
    document = build_document(article_id, submission, Settings())

    def sentence_of(offset: int) -> int:
        return next(s.index for s in document.sentences if s.start <= offset < s.end)

    mentions: dict[str, list[Mention]] = {}
    for surface, _ in NAMES:
        for m in re.finditer(rf"\b{surface}\b", TEXT):
            taken = any(o.start <= m.start() < o.end for ms in mentions.values() for o in ms)
            if not taken:
                owner = "Jane Doe" if surface == "Doe" else surface
                mentions.setdefault(owner, []).append(
                    Mention(
                        start=m.start(), end=m.end(), text=surface, sentence=sentence_of(m.start())
                    )
                )
    entities = [
        Entity(
            id=f"{kind}:{name.lower().replace(' ', '-')}",
            name=name,
            type=kind,
            count=len(mentions[name]),
            first_offset=mentions[name][0].start,
            salience=0.5,
            mentions=mentions[name],
        )
        for name, kind in NAMES
        if name in mentions
    ]
    place = Place(
        entity="GPE:paris", name="Paris", source_id="geonames:2988507", mentions=mentions["Paris"]
    )
    summary = Summary(
        method="test",
        method_version="1",
        budget=2,
        sentences=[
            SummarySentence(
                index=s.index, start=s.start, end=s.end, text=TEXT[s.start : s.end], score=1.0
            )
            for s in document.sentences[:2]
        ],
    )
    now = datetime(2025, 1, 1, tzinfo=UTC)
    return ArticleResult(
        id=article_id,
        run_id="r",
        status="done",
        content_type="text",
        submitted_at=now,
        updated_at=now,
        finished_at=now,
        document=document,
        extraction=Extraction(
            model="test",
            entities=entities,
            places=[place],
            keyphrases=[Keyphrase(text="deal", score=1.0, count=1)],
        ),
        summary=summary,
        stages={s: StageStatus(status="done") for s in ("ingest", "extraction", "summarization")},
    )


@pytest.fixture(scope="module")
def bases() -> list[ArticleResult]:
    return [_base()]


def _consistent(result: ArticleResult) -> None:
    """Every offset points at what the result says is there; the JSON is a valid result."""
    assert result.document is not None and result.extraction is not None
    text = result.document.text
    for e in result.extraction.entities:
        assert e.count == len(e.mentions) > 0
        for m in e.mentions:
            assert text[m.start : m.end] == m.text
    for p in result.extraction.places:
        for m in p.mentions:
            assert text[m.start : m.end] == m.text
    assert result.summary is not None and result.summary.sentences
    for s in result.summary.sentences:
        assert text[s.start : s.end] == s.text
    for sentence in result.document.sentences:
        assert 0 <= sentence.start <= sentence.end <= len(text)
    ArticleResult.model_validate_json(result.model_dump_json())


def test_variation_is_deterministic_for_a_seed(bases: list[ArticleResult]) -> None:
    vocab = vocabulary(bases)
    first = [generate(i, bases, vocab, seed=7).model_dump() for i in range(40)]
    again = [generate(i, bases, vocab, seed=7).model_dump() for i in range(40)]
    other = [generate(i, bases, vocab, seed=8).model_dump() for i in range(40)]
    assert first == again
    assert first != other


def test_variants_differ_have_unique_ids_and_dates_in_range(bases: list[ArticleResult]) -> None:
    vocab = vocabulary(bases)
    corpus = [generate(i, bases, vocab, seed=1) for i in range(300)]
    texts = {r.document.text for r in corpus if r.document}
    assert len(texts) > 100  # one base of ten sentences: many distinct variants, some repeats
    assert all(r.document and r.document.text != TEXT for r in corpus[:20])
    assert len({r.id for r in corpus}) == len(corpus)
    for r in corpus:
        assert r.document is not None
        published = r.document.published_at
        assert isinstance(published, datetime)
        assert START <= published < START + timedelta(days=DAYS)
        assert r.finished_at is not None and r.finished_at > published
        assert len(r.document.minhash) == 64
        _consistent(r)


def test_renamed_entities_grow_the_vocabulary_of_keys(bases: list[ArticleResult]) -> None:
    assert vocabulary(bases) == Vocabulary(("Jane",), ("Doe",), ("Acme",), ("Holdings",))
    vocab = Vocabulary(("Ann", "Jane"), ("Doe", "Smith"), ("Acme", "Beta"), ("Group", "Holdings"))
    keys = {e.id for i in range(300) for e in generate(i, bases, vocab, seed=2).extraction.entities}  # type: ignore[union-attr]
    base_keys = {e.id for e in bases[0].extraction.entities}  # type: ignore[union-attr]
    assert len(keys - base_keys) > 0
    assert "GPE:paris" in keys  # places are never renamed


def test_rewrite_renames_mentions_and_keeps_offsets(bases: list[ArticleResult]) -> None:
    base = bases[0]
    assert base.document is not None
    kept = [0, 3, 2]  # the lead, then the second paragraph's sentences, reordered
    result = rewrite(base, kept, {"Jane Doe": "Ann Smith", "Acme Holdings": "Beta Group"})
    assert result.document is not None and result.extraction is not None
    text = result.document.text
    assert "Jane Doe" not in text and "Acme Holdings" not in text
    assert text.startswith("Ann Smith met Beta Group in Paris")
    assert "Smith said the deal was close." in text  # the surname mention follows the renaming
    person = next(e for e in result.extraction.entities if e.type == "PERSON")
    assert (person.name, person.id, person.count) == ("Ann Smith", "PERSON:ann-smith", 2)
    assert result.document.title == "Ann Smith meets Beta Group"
    assert len(result.document.sentences) == 3
    assert [k.text for k in result.extraction.keyphrases] == ["deal"]
    _consistent(result)


def test_rewrite_drops_what_only_dropped_sentences_held(bases: list[ArticleResult]) -> None:
    result = rewrite(bases[0], [1], {})  # "The talks lasted three hours."
    assert result.document is not None and result.extraction is not None
    assert result.document.text == "The talks lasted three hours."
    assert result.extraction.entities == []
    assert result.extraction.places == []
    assert result.summary is not None
    assert [s.text for s in result.summary.sentences] == ["The talks lasted three hours."]


def test_word_bands_by_document_frequency() -> None:
    texts = [f"common words here, rare{chr(97 + i)}x word alpha beta" for i in range(20)]
    texts += ["alpha beta"] * 175 + ["alpha beta, gamma delta"] * 5
    common, rare, phrases = word_bands(texts)
    assert "common" in common and "words" in common  # in 10% of the texts
    assert "alpha" not in common  # in all of them: too common to be a useful test
    assert "raredx" in rare
    assert "gamma delta" in phrases  # in 2.5% of the texts
    assert "alpha beta" not in phrases and "common words" not in phrases  # 100%, 10%


def test_percentile_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 95) == 95.0
    assert percentile([], 95) == 0.0
