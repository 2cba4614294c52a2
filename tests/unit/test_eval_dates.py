"""``newsflow eval dates``: predictions in score.py's format, our scorer agreeing with score.py."""

import argparse
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from services.cli import eval_dates
from services.evaluation.dates import half_of, score

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "dates-small.jsonl"
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "eval" / "score.py"


def _gold() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


def _reference() -> ModuleType:
    if not REFERENCE.exists():
        pytest.skip("the reference scorer (../shared/eval/score.py) is not beside the repo")
    spec = importlib.util.spec_from_file_location("reference_score", REFERENCE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _hand_predictions() -> dict[str, dict[str, Any]]:
    """Right, wrong-valued, too-long, spurious, DURATION-typed and missing predictions."""
    gold = {d["id"]: d["timexes"] for d in _gold()}
    tues, third, year_earlier, now, two_year = gold["fx-1"]
    return {
        "fx-1": {
            "timexes": [
                {"start": tues["start"], "end": tues["end"], "type": "DATE", "value": "2021-03-09"},
                {"start": third["start"], "end": third["end"], "type": "DATE", "value": "2021-Q3"},
                # overlaps the gold "a year earlier" (relaxed match only)
                {"start": year_earlier["start"] + 2, "end": year_earlier["end"], "value": "2020"},
                {"start": now["start"], "end": now["end"], "type": "DATE", "value": "PRESENT_REF"},
                # a date predicted on a gold DURATION: ignored in DATE/TIME, counted in all types
                {"start": two_year["start"], "end": two_year["end"], "type": "DATE", "value": "X"},
                {"start": 0, "end": 6, "type": "DATE", "value": "2021"},  # spurious
            ]
        },
        "fx-2": {
            "timexes": [
                {"start": 35, "end": 39, "type": "DATE", "value": "2019-06"},
                {"start": 77, "end": 89, "type": "DURATION", "value": "P3M"},
            ]
        },
        # fx-3 missing: counts as predicting nothing
    }


def test_our_scorer_agrees_with_the_reference_scorer() -> None:
    reference = _reference()
    gold, predicted = _gold(), _hand_predictions()
    assert score(gold, predicted) == reference.score_dates(gold, predicted)


def test_scorer_counts_what_a_reader_counts() -> None:
    figures = score(_gold(), _hand_predictions())
    # DATE/TIME gold: 4 + 3 + 3 = 10; predictions kept: 5 of 6 in fx-1 (one on the gold
    # DURATION is ignored) + 1 in fx-2 (the DURATION-typed one is dropped).
    strict = figures["date_time"]["strict"]
    assert (strict["tp"], strict["n_pred"], strict["n_gold"]) == (4, 6, 10)
    assert figures["date_time"]["relaxed"]["tp"] == 5
    assert figures["date_time"]["ignored_preds_on_duration_set"] == 1
    # Matched DATEs: Tuesday, Third-quarter, a year earlier, now, June; right: 3 of 5.
    assert figures["date_value_acc"] == {"acc": 60.0, "correct": 3, "matched_dates": 5}


def test_halves_are_stable_and_both_used() -> None:
    ids = [f"doc-{i}" for i in range(200)]
    halves = [half_of(i) for i in ids]
    assert halves == [half_of(i) for i in ids]
    assert 40 <= halves.count("heldout") <= 80


def test_run_scores_the_fixture_and_prints_json_last(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "predictions.jsonl"
    parser = argparse.ArgumentParser()
    eval_dates.add_arguments(parser)
    args = parser.parse_args(["--data", str(FIXTURE), "--predictions", str(out)])
    assert eval_dates.run(args) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["documents"] == 3
    predicted = {p["id"]: p for p in map(json.loads, out.read_text().splitlines())}
    assert result["figures"] == score(_gold(), predicted)
    # Every timex of the fixture except "the 1990s" (TimeML leaves "the" out) is plain news
    # language the grammar reads exactly.
    assert result["date_time_strict_f1"] >= 80
    texts = {
        (d["id"], d["text"][t["start"] : t["end"]], t["value"])
        for d in _gold()
        for t in predicted[d["id"]]["timexes"]
    }
    assert ("fx-2", "last Friday", "2019-11-01") in texts
    assert ("fx-1", "a year earlier", "2019-Q3") in texts
