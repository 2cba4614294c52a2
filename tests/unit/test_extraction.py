"""Entity merging rules, on hand-made spans (no model needed)."""

import pytest

from services.extraction.core import language_warnings
from services.extraction.entities import Span, build_entities, slug, trim
from services.extraction.sentences import SentenceIndex
from services.gateway.corpus.keys import entity_key
from shared.models import Document, Sentence


def _doc(text: str) -> Document:
    cut = text.index(". ") + 2
    return Document(
        article_id="t",
        text=text,
        content_type="text",
        sentences=[
            Sentence(index=0, start=0, end=cut - 1, paragraph=0),
            Sentence(index=1, start=cut, end=len(text), paragraph=0),
        ],
    )


def _spans(text: str, *pairs: tuple[str, str]) -> list[Span]:
    out, pos = [], 0
    for surface, label in pairs:
        start = text.index(surface, pos)
        out.append(Span(start, start + len(surface), label))
        pos = start + len(surface)
    return out


def test_slug_folds_case_accents_and_apostrophes() -> None:
    assert slug("People’s Liberation Army") == "peoples-liberation-army"
    assert slug("People's LIBERATION army") == "peoples-liberation-army"
    assert slug("São Paulo") == "sao-paulo"


def test_slug_keeps_letters_of_every_script() -> None:
    # An ASCII fold left these "x" and "sren-kierkegaard".
    assert slug("Владимир Путин") == "владимир-путин"
    assert slug("習近平") == "習近平"
    assert slug("Søren Kierkegaard") == "søren-kierkegaard"


def test_entity_ids_and_archive_keys_share_one_slug() -> None:
    for name in ("People’s Bank", "Łódź", "Владимир Путин", "Jean‐Paul Sartre", "Straße"):
        assert entity_key("PERSON", name) == f"PERSON:{slug(name)}"


def test_names_in_other_scripts_stay_apart() -> None:
    text = "Владимир Путин met 習近平. Алексей Навальный was not there."
    names = ["Владимир Путин", "習近平", "Алексей Навальный"]
    spans = _spans(text, *[(name, "PERSON") for name in names])
    entities = build_entities(spans, text, SentenceIndex(_doc(text)))
    assert sorted(e.name for e in entities) == ["Алексей Навальный", "Владимир Путин", "習近平"]
    assert len({e.id for e in entities}) == 3


def test_trim_drops_article_and_possessive() -> None:
    text = "He met the Kremlin's envoy."
    start = text.index("the")
    s, e = trim(text, start, start + len("the Kremlin's"))
    assert text[s:e] == "Kremlin"


def test_short_forms_merge_into_full_names() -> None:
    text = "Vladimir Putin met Xi Jinping in Beijing. Putin and Xi spoke; Putin left."
    spans = _spans(
        text,
        ("Vladimir Putin", "PERSON"),
        ("Xi Jinping", "PERSON"),
        ("Beijing", "GPE"),
        ("Putin", "PERSON"),
        ("Xi", "PERSON"),
        ("Putin", "PERSON"),
    )
    doc = _doc(text)
    entities = {e.id: e for e in build_entities(spans, text, SentenceIndex(doc))}
    assert set(entities) == {"PERSON:vladimir-putin", "PERSON:xi-jinping", "GPE:beijing"}
    putin = entities["PERSON:vladimir-putin"]
    assert putin.name == "Vladimir Putin"
    assert putin.count == 3
    assert putin.first_offset == 0
    assert [m.sentence for m in putin.mentions] == [0, 1, 1]
    assert all(text[m.start : m.end] == m.text for m in putin.mentions)
    assert entities["PERSON:xi-jinping"].count == 2
    assert max(entities.values(), key=lambda e: e.salience).id == "PERSON:vladimir-putin"
    assert all(0 <= e.salience <= 1 for e in entities.values())


def test_ambiguous_surname_goes_to_the_latest_introduced() -> None:
    text = "George Bush and Jeb Bush met. Bush said no."
    spans = _spans(text, ("George Bush", "PERSON"), ("Jeb Bush", "PERSON"), ("Bush", "PERSON"))
    entities = {e.id: e for e in build_entities(spans, text, SentenceIndex(_doc(text)))}
    assert entities["PERSON:jeb-bush"].count == 2
    assert entities["PERSON:george-bush"].count == 1


def test_numbers_and_dates_are_not_entities() -> None:
    text = "Three ships left on Monday. They cost $5 million."
    spans = _spans(text, ("Three", "CARDINAL"), ("Monday", "DATE"), ("$5 million", "MONEY"))
    assert build_entities(spans, text, SentenceIndex(_doc(text))) == []


def test_an_all_caps_dateline_takes_the_usual_spelling() -> None:
    text = "TORONTO — The city voted. Toronto will run trains."
    spans = _spans(text, ("TORONTO", "GPE"), ("Toronto", "GPE"))
    entities = build_entities(spans, text, SentenceIndex(_doc(text)))
    assert [(e.id, e.name, e.count) for e in entities] == [("GPE:toronto", "Toronto", 2)]
    alone = "BERLIN — The city voted. It will run trains."
    only_caps = build_entities(
        _spans(alone, ("BERLIN", "GPE")),
        alone,
        SentenceIndex(_doc(alone)),
        canonical=lambda name: name.title() if name == "BERLIN" else None,
    )
    assert only_caps[0].name == "Berlin"
    nato = "NATO met. The alliance grew."
    assert (
        build_entities(_spans(nato, ("NATO", "ORG")), nato, SentenceIndex(_doc(nato)))[0].name
        == "NATO"
    )


def test_a_name_absorbing_a_short_form_is_read_again() -> None:
    # The host's name is cached while merging; a plain short form joining an all-caps name
    # changes which form is the name, and the next short form must see the new one.
    text = "JOHN SMITHSON spoke. Smithson and Smithson aides left."
    spans = _spans(text, ("JOHN SMITHSON", "PERSON"), ("Smithson", "PERSON"))
    entities = build_entities(spans, text, SentenceIndex(_doc(text)))
    assert [(e.name, e.count) for e in entities] == [("Smithson", 2)]


def test_merging_short_forms_reads_each_name_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work linear in the mentions, not quadratic in the names (docs/performance.md, long
    documents): comparing every short form with every name re-read each name's mentions."""
    from services.extraction import entities as module

    firsts = ["Ana", "Bo", "Cy", "Di", "Ed", "Flo", "Gus", "Hal", "Ida", "Jo"]
    lasts = [f"Surname{chr(97 + i)}{chr(97 + j)}" for i in range(10) for j in range(10)]
    pairs = [(f"{first} {last}", last) for first, last in zip(firsts * 10, lasts, strict=True)]
    text = " ".join(f"{full} came. {short} spoke." for full, short in pairs)
    spans = _spans(text, *[(form, "PERSON") for pair in pairs for form in pair])
    calls = 0
    squash = module._squash

    def counted(form: str) -> str:
        nonlocal calls
        calls += 1
        return squash(form)

    monkeypatch.setattr(module, "_squash", counted)
    entities = build_entities(spans, text, SentenceIndex(_doc(text)))
    assert len(entities) == 100 and {e.count for e in entities} == {2}
    assert calls <= 3 * len(spans)


def test_fine_type_rules_for_streets_and_unknown_places() -> None:
    from services.extraction.ner import fine_type

    known = {"Kericho": "GPE"}.get
    assert fine_type("LOC", "Bloor St.", ["GPE"], known) == "FAC"
    assert fine_type("LOC", "St. Louis", ["GPE"], known) == "GPE"
    assert fine_type("LOC", "Downtown Yonge", ["ORG"], known) == "LOC"  # unknown: not a polity
    assert fine_type("LOC", "Kericho", ["PERSON"], known) == "GPE"
    assert fine_type("MISC", "Ohio-based", [], known) == "NORP"


def test_non_english_documents_carry_a_warning() -> None:
    from shared.models import Document

    german = Document(
        article_id="de", text="Scholz traf Macron.", content_type="text", language="de"
    )
    english = Document(
        article_id="en", text="Scholz met Macron.", content_type="text", language="en"
    )
    unknown = Document(article_id="xx", text="…", content_type="text")
    assert "'de'" in language_warnings(german)[0] and "English-only" in language_warnings(german)[0]
    assert language_warnings(english) == [] and language_warnings(unknown) == []


def test_a_capitalised_the_the_model_put_in_a_name_stays() -> None:
    text = "Talks in The Hague ended. Later the Kremlin said no."
    spans = _spans(text, ("The Hague", "GPE"), ("the Kremlin", "ORG"))
    names = {e.name for e in build_entities(spans, text, SentenceIndex(_doc(text)))}
    assert names == {"The Hague", "Kremlin"}
    off = build_entities(
        spans, text, SentenceIndex(_doc(text)), None, frozenset({"ner.the_in_name"})
    )
    assert {e.name for e in off} == {"Hague", "Kremlin"}


def test_a_town_and_its_club_are_two_entities_but_a_person_absorbs_slips() -> None:
    text = "Kilmarnock beat Hearts in Kilmarnock. Smith scored, Smith and Smith left."
    spans = _spans(
        text,
        ("Kilmarnock", "ORG"),
        ("Hearts", "ORG"),
        ("Kilmarnock", "GPE"),
        ("Smith", "PERSON"),
        ("Smith", "ORG"),
        ("Smith", "PERSON"),
    )
    entities = {e.id: e for e in build_entities(spans, text, SentenceIndex(_doc(text)))}
    assert {"ORG:kilmarnock", "GPE:kilmarnock", "PERSON:smith"} <= set(entities)
    assert entities["PERSON:smith"].count == 3
    assert "ORG:smith" not in entities
