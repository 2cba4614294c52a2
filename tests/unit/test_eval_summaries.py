"""``newsflow eval summaries`` on a fixture written for the purpose (no dev data in the repo)."""

import argparse
import json
from pathlib import Path

import pytest
from rouge_score import rouge_scorer

from services.cli import eval_summaries
from services.ingest.core import build_document
from services.summarization.core import summarize
from shared.models import ArticleSubmission, SummaryOptions
from shared.settings import Settings

FIXTURE = Path(__file__).parent.parent / "fixtures" / "summaries-small.jsonl"
KEYS = {"rouge1", "rouge2", "rougeLsum"}


def run_eval(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, dict[str, object]]:
    parser = argparse.ArgumentParser()
    eval_summaries.add_arguments(parser)
    code = eval_summaries.run(parser.parse_args(argv))
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    return code, out, json.loads(lines[-1]) if lines else {}


def one_article(tmp_path: Path, article_id: str) -> tuple[Path, dict[str, str]]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    row = next(r for r in rows if r["id"] == article_id)
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return path, row


def test_last_line_is_the_json_result(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, result = run_eval(capsys, "--data", str(FIXTURE), "--sentences", "reference")
    assert code == 0
    assert "Lead-K" in out
    assert set(result) == {"n", "system", "lead", "articles_per_second"}
    assert result["n"] == 5
    for name in ("system", "lead"):
        scores = result[name]
        assert isinstance(scores, dict) and set(scores) == KEYS
        assert all(0 <= v <= 100 for v in scores.values())
    assert isinstance(result["articles_per_second"], float) and result["articles_per_second"] > 0


def test_lead_equal_to_reference_scores_100(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path, _ = one_article(tmp_path, "fixture/lead")
    _, _, result = run_eval(capsys, "--data", str(path), "--sentences", "reference")
    assert result["lead"] == {"rouge1": 100.0, "rouge2": 100.0, "rougeLsum": 100.0}


def test_system_scores_come_from_rouge_score(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path, row = one_article(tmp_path, "fixture/later")
    _, _, result = run_eval(capsys, "--data", str(path), "--sentences", "2")
    settings = Settings()
    document = build_document(
        row["id"], ArticleSubmission(text=row["article"], title=row["title"]), settings
    )
    summary = summarize(document, SummaryOptions(sentences=2), settings)
    scorer = rouge_scorer.RougeScorer(sorted(KEYS), use_stemmer=True)
    expected = scorer.score(row["reference"], "\n".join(s.text for s in summary.sentences))
    system = result["system"]
    assert isinstance(system, dict)
    for key in KEYS:
        assert system[key] == pytest.approx(100 * expected[key].fmeasure, abs=1e-3)


def test_fixed_budget_and_limit(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, result = run_eval(capsys, "--data", str(FIXTURE), "--sentences", "3", "--limit", "2")
    assert code == 0 and result["n"] == 2 and "Lead-3" in out


def test_bad_budget_is_refused() -> None:
    parser = argparse.ArgumentParser()
    eval_summaries.add_arguments(parser)
    with pytest.raises(SystemExit):
        parser.parse_args(["--data", str(FIXTURE), "--sentences", "many"])


def test_missing_file_is_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    parser = argparse.ArgumentParser()
    eval_summaries.add_arguments(parser)
    assert eval_summaries.run(parser.parse_args(["--data", str(tmp_path / "absent.jsonl")])) == 2
    assert "absent.jsonl" in capsys.readouterr().err


def test_console_script_dispatches_here(capsys: pytest.CaptureFixture[str]) -> None:
    from services.cli.main import main

    assert main(["eval", "summaries", "--data", str(FIXTURE), "--sentences", "2"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["n"] == 5


def test_disable_names_a_rule_group(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, result = run_eval(
        capsys, "--data", str(FIXTURE), "--sentences", "2", "--disable", "datelines"
    )
    assert code == 0 and result["n"] == 5 and "disabled: datelines" in out
    parser = argparse.ArgumentParser()
    eval_summaries.add_arguments(parser)
    with pytest.raises(SystemExit):
        parser.parse_args(["--data", str(FIXTURE), "--disable", "everything"])


def test_against_title_scores_the_headline_unseen(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # The one-sentence article is its headline's words plus more: Lead-1 recalls them all.
    path, row = one_article(tmp_path, "fixture/one-sentence")
    _, out, result = run_eval(capsys, "--data", str(path), "--sentences", "1", "--against", "title")
    assert "against: headline" in out and result["n"] == 1
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    expected = scorer.score(row["title"], row["article"])["rouge1"].fmeasure
    lead = result["lead"]
    assert isinstance(lead, dict) and lead["rouge1"] == pytest.approx(100 * expected, abs=1e-3)
    assert expected < 1.0  # the reference is the headline, not the article's own summary
