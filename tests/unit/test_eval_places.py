"""``newsflow eval places``: predictions in score.py's format, our scorer, and the command."""

import argparse
import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from services.cli import eval_places
from services.evaluation.align import align
from services.evaluation.places import MAX_ERROR_KM, PlaceScore, haversine_km, predict, score
from shared.models import Extraction, Mention, Place

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "places-small.jsonl"
SCORE_PY = Path(__file__).parents[3] / "shared" / "eval" / "score.py"


def _gold() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


def test_haversine_is_about_111_km_a_degree_of_latitude() -> None:
    assert haversine_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(111.2, abs=0.1)


def test_predictions_map_mentions_back_and_carry_their_pin() -> None:
    source = "Flood  in Ohio.   Towns near Columbus."  # ingest squashes the runs of spaces
    derived = "Flood in Ohio. Towns near Columbus."
    extraction = Extraction(
        model="test",
        places=[
            Place(
                entity="GPE:ohio",
                name="Ohio",
                latitude=40.2,
                longitude=-82.8,
                mentions=[Mention(start=9, end=13, text="Ohio", sentence=0)],
            ),
            Place(
                entity="GPE:columbus",
                name="Columbus",
                mentions=[Mention(start=26, end=34, text="Columbus", sentence=1)],
            ),
        ],
    )
    toponyms = predict(extraction, align(source, derived))
    assert [source[t["start"] : t["end"]] for t in toponyms] == ["Ohio", "Columbus"]
    assert toponyms[0]["lat"] == 40.2 and toponyms[1]["lat"] is None


def test_scores_count_exact_spans_and_pins_within_161_km() -> None:
    gold: list[dict[str, Any]] = [
        {"start": 0, "end": 4, "lat": 40.0, "lon": -83.0},
        {"start": 10, "end": 18, "lat": 39.9, "lon": -83.0},
        {"start": 30, "end": 36, "lat": 10.0, "lon": 10.0},
        {"start": 40, "end": 45, "lat": None, "lon": None},
    ]
    predicted: list[dict[str, Any]] = [
        {"start": 0, "end": 4, "lat": 40.5, "lon": -83.0},  # 56 km off: right
        {"start": 10, "end": 18, "lat": 45.0, "lon": -83.0},  # 567 km off: wrong
        {"start": 30, "end": 36, "lat": None, "lon": None},  # matched, no pin: largest error
        {"start": 41, "end": 45, "lat": 1.0, "lon": 1.0},  # overlaps only
    ]
    total = PlaceScore()
    total.add(gold, predicted)
    assert total.detection() == (0.75, 0.75, 0.75)
    assert total.detection(total.overlapping)[2] == 1.0
    assert len(total.errors) == 3 and max(total.errors) == MAX_ERROR_KM
    assert total.accuracy() == pytest.approx(1 / 3)
    assert total.without_pin() == 1
    assert 0 < total.auc() < 1


def _reference() -> ModuleType:
    if not SCORE_PY.exists():
        pytest.skip("shared/eval/score.py is not beside the repository")
    spec = importlib.util.spec_from_file_location("reference_score", SCORE_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_our_scorer_agrees_with_the_reference_scorer() -> None:
    reference = _reference()
    gold = _gold()
    # Hand-made predictions: one exact hit with a good pin, one far pin, one pin-less hit, a
    # wrong span, and a document predicted empty.
    t = gold[0]["toponyms"]
    predictions = {
        "fixture/1": [
            {"start": t[0]["start"], "end": t[0]["end"], "lat": 40.3, "lon": -82.9},
            {"start": t[1]["start"], "end": t[1]["end"], "lat": 32.5, "lon": -84.9},
            {"start": t[3]["start"], "end": t[3]["end"], "lat": None, "lon": None},
            {"start": t[4]["start"], "end": t[4]["end"] - 7, "lat": 40.0, "lon": -83.0},
        ],
    }
    ours = score(gold, predictions).summary()
    theirs = reference.score_places(gold, {k: {"toponyms": v} for k, v in predictions.items()})
    assert ours["detection_f1"] == theirs["detection_strict"]["f1"]
    assert ours["detection_relaxed_f1"] == theirs["detection_relaxed"]["f1"]
    assert ours["acc161"] == theirs["geocoding_on_detected"]["acc161"]
    assert ours["auc"] == theirs["geocoding_on_detected"]["auc"]
    assert ours["matched_without_coords"] == theirs["matched_without_coords"]


def test_run_writes_predictions_and_prints_a_json_line_last(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser()
    eval_places.add_arguments(parser)
    out = tmp_path / "predictions.jsonl"
    args = parser.parse_args(["--data", str(FIXTURE), "--predictions", str(out)])
    assert eval_places.run(args) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["documents"] == 2 and result["gold"] == 10
    # Plain sentences: states, cities and countries any working geoparser finds and places.
    assert result["detection_f1"] >= 60 and result["acc161"] >= 60
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [w["id"] for w in written] == ["fixture/1", "fixture/2"]
    reference = _reference()
    theirs = reference.score_places(_gold(), {w["id"]: w for w in written})
    assert theirs["detection_strict"]["f1"] == result["detection_f1"]
    assert theirs["geocoding_on_detected"]["acc161"] == result["acc161"]


def test_disabled_groups_reach_the_core(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    eval_places.add_arguments(parser)
    args = parser.parse_args(["--data", str(FIXTURE), "--disable", "places.demonyms"])
    assert eval_places.run(args) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["disabled"] == ["places.demonyms"]
    assert result["predicted"] <= 8  # "Russian" and "Georgian" are no longer places
