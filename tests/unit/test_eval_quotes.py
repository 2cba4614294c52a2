"""The quotes scorer and the predictions it reads, on a tiny hand-written record."""

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from services.evaluation.align import align
from services.evaluation.quotes import prediction, score_quotes
from shared.models import Entity, Extraction, Mention, Quote

TEXT = (
    "Heading\n\n"
    "“We will win this state,” said Ann Lee. “It is ours.”\n\n"
    "He called it “a good day,” she wrote, and the crowd agreed that it had been “fine.”\n\n"
    "“Nobody asked me about it,” he said."
)


def _at(text: str, part: str) -> tuple[int, int]:
    start = TEXT.index(part)
    return start, start + len(part)


def _record() -> dict[str, Any]:
    q1, q2 = _at(TEXT, "“We will win this state,”"), _at(TEXT, "“It is ours.”")
    mixed = _at(TEXT, "He called it “a good day,”")
    q3 = _at(TEXT, "“Nobody asked me about it,”")
    lee = _at(TEXT, "Ann Lee")
    he = _at(TEXT, "he said")
    he = (he[0], he[0] + 2)
    return {
        "id": "r1",
        "text": TEXT,
        "attributions": [
            {
                "content": {"start": q1[0], "end": q2[1], "fragments": [list(q1), list(q2)]},
                "source": {"start": lee[0], "end": lee[1], "head": "Lee", "coref": 0},
                "quote_type": "direct",
            },
            {
                "content": {"start": mixed[0], "end": mixed[1]},
                "source": None,
                "quote_type": "mixed",
            },
            {
                "content": {"start": q3[0], "end": q3[1]},
                "source": {"start": he[0], "end": he[1], "head": "he", "coref": 1},
                "quote_type": "direct",
            },
        ],
        "coref": [
            {"rep": "Ann Lee", "rep_head": "Lee", "mentions": [list(lee)]},
            {"rep": "Bob Dole", "rep_head": "Dole", "mentions": [list(he)]},
        ],
    }


def _span(start: int, end: int) -> dict[str, int]:
    return {"start": start, "end": end}


def _predictions() -> dict[str, Any]:
    """A reader's predictions: the first quote split in two (one right), a scare quote inside the
    mixed attribution, the last quote given to a wrong name."""
    q1, q2 = _at(TEXT, "We will win this state,"), _at(TEXT, "It is ours.")
    lee = _at(TEXT, "Lee")
    good = _at(TEXT, "a good day,")
    fine = _at(TEXT, "fine.")
    q3 = _at(TEXT, "Nobody asked me about it,")
    wrong = _at(TEXT, "the crowd")
    return {
        "id": "r1",
        "quotes": [
            {**_span(*q1), "speaker": _span(*lee)},
            {**_span(*q2), "speaker": None},
            {**_span(*good), "speaker": None},
            {**_span(*fine), "speaker": None},
            {**_span(*q3), "speaker": _span(*wrong)},
        ],
    }


def test_our_scorer_counts_what_a_reader_counts() -> None:
    score = score_quotes([_record()], {"r1": _predictions()})
    # Gold: two direct quotes, both matched: the first fragment alone holds 18 of the first
    # quote's 26 letters, over half.
    assert (score.tp, score.gold) == (2, 2)
    # "a good day" lies inside the mixed attribution: ignored. "It is ours." and "fine." count.
    assert (score.predicted, score.ignored) == (4, 1)
    # Speakers: Lee right, "the crowd" wrong.
    assert (score.speaker_right, score.speaker_total) == (1, 2)


def test_our_scorer_agrees_with_the_reference() -> None:
    path = Path(__file__).parents[3] / "shared" / "eval" / "score.py"
    if not path.exists():
        pytest.skip("reference scorer not available")
    spec = importlib.util.spec_from_file_location("reference_score", path)
    assert spec is not None and spec.loader is not None
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    records, predictions = [_record()], {"r1": _predictions()}
    assert score_quotes(records, predictions).as_dict() == {
        k: v
        for k, v in reference.score_quotes(records, predictions).items()
        if k != "quote_and_speaker_f1"
    }


def test_predictions_map_back_and_group_one_attribution() -> None:
    derived = TEXT[len("Heading\n\n") :]  # ingest takes the lone first line as the title
    first = derived.index("We will")
    second = derived.index("It is ours")
    lee = derived.index("Ann Lee")
    speaker = {"speaker_start": lee, "speaker_end": lee + 7, "speaker": "Ann Lee"}
    quotes = [
        Quote(text="", start=first, end=first + 23, sentence=0, **speaker),
        Quote(text="", start=second, end=second + 11, sentence=1, **speaker),
    ]
    entity = Entity(
        id="PERSON:ann-lee",
        name="Ann Lee",
        type="PERSON",
        count=1,
        first_offset=lee,
        salience=1.0,
        mentions=[Mention(start=lee, end=lee + 7, text="Ann Lee", sentence=0)],
    )
    extraction = Extraction(model="m", entities=[entity], quotes=quotes)
    out = prediction("r1", derived, extraction, align(TEXT, derived))
    (quote,) = out["quotes"]  # one attribution: "“…,” said Ann Lee. “…”"
    assert [TEXT[s:e] for s, e in quote["fragments"]] == ["We will win this state,", "It is ours."]
    assert TEXT[quote["speaker"]["start"] : quote["speaker"]["end"]] == "Ann Lee"
