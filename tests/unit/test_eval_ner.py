"""``newsflow eval ner`` on a small hand-written CoNLL fixture: reading, scoring, JSON line."""

import argparse
import json
from pathlib import Path

import pytest

from services.cli import eval_ner
from services.extraction.conll import iob1_spans, read_conll

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "ner-small.conll"


def test_iob1_spans_split_touching_entities_only_at_b() -> None:
    tags = ["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG", "B-ORG", "I-ORG"]
    assert iob1_spans(tags) == [
        (0, 2, "PER"),
        (2, 3, "PER"),
        (4, 5, "LOC"),
        (5, 6, "ORG"),
        (6, 8, "ORG"),
    ]


def test_reader_builds_documents_whose_offsets_map_back_to_tokens() -> None:
    documents = list(read_conll(FIXTURE))
    assert len(documents) == 3
    text, tokens, sentences = documents[0].layout()
    assert [text[s:e] for s, e in tokens] == documents[0].words
    assert len(sentences) == 2
    assert documents[0].gold_spans()[:2] == [(0, 2, "PER"), (3, 5, "PER")]


def test_token_span_widens_to_whole_tokens() -> None:
    starts, ends = [0, 4, 10], [3, 9, 15]  # "abc defgh ijklm"
    assert eval_ner.token_span(starts, ends, 4, 9) == (1, 2)
    assert eval_ner.token_span(starts, ends, 5, 12) == (1, 3)
    assert eval_ner.token_span(starts, ends, 3, 4) is None


def test_run_prints_a_json_summary_last(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    eval_ner.add_arguments(parser)
    assert eval_ner.run(parser.parse_args(["--data", str(FIXTURE), "--baseline"])) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["documents"] == 3
    for name in ("gold", "ingest", "baseline", "small_model"):
        figures = result[name]
        assert set(figures["per_type"]) == {"PER", "ORG", "LOC", "MISC"}
        for key in ("precision", "recall", "f1"):
            assert 0 <= figures[key] <= 1
        assert all(0 <= v <= 1 for v in figures["per_type"].values())
        assert figures["words_per_second"] > 0
    # Easy, unambiguous sentences: any working NER gets most of them, whoever splits sentences.
    for name in ("gold", "ingest", "baseline"):
        assert result[name]["f1"] >= 0.6
        assert result[name]["per_type"]["PER"] >= 0.6


def test_disabled_rule_groups_reach_the_core(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    eval_ner.add_arguments(parser)
    args = ["--data", str(FIXTURE), "--segmenter", "gold", "--disable", "ner.places"]
    assert eval_ner.run(parser.parse_args(args)) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["disabled"] == ["ner.places"]
    assert "ingest" not in result
    assert result["gold"]["f1"] >= 0.6
