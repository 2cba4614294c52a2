"""Quote finding and attribution on hand-made entities (no model needed)."""

from services.extraction.quotes import find_quotes
from services.extraction.sentences import SentenceIndex
from shared.models import Document, Entity, Mention


def _entity(text: str, name: str, kind: str) -> Entity:
    mentions = []
    at = text.find(name)
    while at >= 0:
        mentions.append(Mention(start=at, end=at + len(name), text=name, sentence=0))
        at = text.find(name, at + 1)
    return Entity(
        id=f"{kind}:{name.lower().replace(' ', '-')}",
        name=name,
        type=kind,
        count=len(mentions),
        first_offset=mentions[0].start,
        salience=0.5,
        mentions=mentions,
    )


def _quotes(text: str, *entities: tuple[str, str]) -> list[tuple[str, str | None]]:
    doc = Document(article_id="q", text=text, content_type="text")
    found = find_quotes(text, SentenceIndex(doc), [_entity(text, n, k) for n, k in entities])
    for q in found:
        assert text[q.start : q.end] == q.text
    return [(q.text, q.speaker) for q in found]


def test_speaker_after_and_before_the_quote() -> None:
    text = (
        "“We will respond to any provocation,” said Vladimir Putin. "
        "Angela Merkel told reporters: “Europe stands together on this.”"
    )
    assert _quotes(text, ("Vladimir Putin", "PERSON"), ("Angela Merkel", "PERSON")) == [
        ("We will respond to any provocation,", "Vladimir Putin"),
        ("Europe stands together on this.", "Angela Merkel"),
    ]


def test_a_note_or_pronoun_goes_back_to_the_previous_speaker() -> None:
    text = (
        "The Foreign Ministry said the talks were “frank and constructive in every way”. "
        "“Both sides agreed to meet again next month”, reads a statement."
    )
    assert [s for _, s in _quotes(text, ("Foreign Ministry", "ORG"))] == [
        "Foreign Ministry",
        "Foreign Ministry",
    ]


def test_scare_quotes_and_apostrophes_are_not_quotes() -> None:
    text = "The ‘Vostok’ drills, an “unlimited” partnership, China’s army and the People’s party."
    assert _quotes(text) == []


def test_apposition_quotes_run_on_and_the_subject_speaks() -> None:
    text = (
        "“We cannot wait,” Jens Albrecht, the senator for the environment, told reporters. "
        "“Every centimetre counts now.” "
        "Miriam Okafor, an engineer at the Coastal Institute, said it was “a sensible compromise "
        "rather than a guarantee”."
    )
    entities = [("Jens Albrecht", "PERSON"), ("Miriam Okafor", "PERSON")]
    entities.append(("Coastal Institute", "ORG"))
    assert [s for _, s in _quotes(text, *entities)] == [
        "Jens Albrecht",
        "Jens Albrecht",  # the next quote of the paragraph, unattributed: the same speaker
        "Miriam Okafor",  # not the institute inside her apposition
    ]


def test_a_place_after_the_speech_verb_is_not_the_speaker() -> None:
    text = (
        "Peter Otieno leads the union. Prices were “a weather story, not a recovery story”, "
        "he said, and warned that factories in Nyamira were idle."
    )
    found = _quotes(text, ("Peter Otieno", "PERSON"), ("Nyamira", "GPE"))
    assert found == [("a weather story, not a recovery story", "Peter Otieno")]
