"""Score extractive summaries against references with ROUGE, next to the Lead-K baseline.

Each JSONL line is {"id", "title", "article", "reference"} with reference sentences joined by
"\\n". Articles go through the ingest stage's ``build_document`` and the summarization core exactly
as the workers run them, so the numbers describe the deployed code path. ROUGE is Google's
rouge-score (F1 x 100, Porter stemming, sentences on separate lines for ROUGE-Lsum).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.models import Document
    from shared.settings import Settings

ROUGE_KEYS = ("rouge1", "rouge2", "rougeLsum")
# The summarizer's rule groups (services.summarization.core.RULE_GROUPS), listed here so that the
# parser is built without importing numpy; a unit test checks that both lists agree.
RULE_GROUPS = (
    "datelines",
    "prior",
    "title",
    "title.meaning",
    "learned",
    "features.position",
    "features.centrality",
    "features.length",
    "features.semantic",
)
# A document builder with the signature of services.ingest.core.build_document.
DocumentBuilder = Callable[..., "Document"]


def _budget(value: str) -> int | str:
    if value == "reference":
        return value
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a number of sentences or 'reference'") from None
    if not 1 <= k <= 50:
        raise argparse.ArgumentTypeError("sentences must be between 1 and 50")
    return k


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, required=True, help="JSONL file of articles")
    parser.add_argument(
        "--sentences",
        type=_budget,
        default="reference",
        help="summary length K, or 'reference' for each reference's own sentence count",
    )
    parser.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    parser.add_argument(
        "--disable",
        action="append",
        default=[],
        choices=RULE_GROUPS,
        metavar="GROUP",
        help=f"switch a rule group off (repeatable): {', '.join(RULE_GROUPS)}",
    )
    parser.add_argument(
        "--against",
        choices=("reference", "title"),
        default="reference",
        help="score against the reference summary, or against the headline, which the "
        "summarizer then does not see (a human-written gist, like agency highlights)",
    )
    parser.add_argument(
        "--half",
        choices=("all", "train", "heldout"),
        default="all",
        help="score one fixed half of the set (split by id hash): the half parameters were "
        "chosen on (train) or the other (heldout)",
    )


@dataclass
class _Mean:
    """Running sums of F1 per ROUGE key."""

    sums: dict[str, float] = field(default_factory=lambda: dict.fromkeys(ROUGE_KEYS, 0.0))
    n: int = 0

    def add(self, scores: dict[str, Any]) -> None:
        for key in ROUGE_KEYS:
            self.sums[key] += scores[key].fmeasure
        self.n += 1

    def means(self) -> dict[str, float]:
        return {k: round(100 * v / self.n, 3) if self.n else 0.0 for k, v in self.sums.items()}


def read_articles(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            missing = {"id", "article", "reference"} - row.keys()
            if missing:
                raise ValueError(f"{path}:{number}: missing {', '.join(sorted(missing))}")
            yield row


def _one_line(text: str) -> str:
    """ROUGE-Lsum splits on newlines, so a sentence must not contain any."""
    return " ".join(text.split())


def evaluate(
    rows: Iterable[dict[str, str]],
    sentences: int | str,
    build_document: DocumentBuilder,
    settings: Settings,
    disabled: frozenset[str] = frozenset(),
    against_title: bool = False,
) -> dict[str, Any]:
    """Summarize and score every row; returns the JSON-able result the command prints."""
    from rouge_score import rouge_scorer

    from services.summarization.core import summarize
    from shared.models import ArticleSubmission, SummaryOptions

    scorer = rouge_scorer.RougeScorer(list(ROUGE_KEYS), use_stemmer=True)
    system, lead = _Mean(), _Mean()
    seconds = 0.0
    for row in rows:
        title = row.get("title") or None
        reference = row["reference"]
        if against_title:
            if not title:
                continue
            reference = title
        reference_lines = [_one_line(s) for s in reference.split("\n") if s.strip()]
        k = len(reference_lines) if sentences == "reference" else int(sentences)
        options = SummaryOptions(sentences=max(1, min(k, 50)))
        submission = ArticleSubmission(text=row["article"], title=None if against_title else title)
        try:
            document = build_document(row["id"], submission, settings)
        except ValueError as error:  # e.g. an empty article: the worker would report it too
            print(f"skipped {row['id']}: {error}", file=sys.stderr)
            continue
        started = time.perf_counter()
        summary = summarize(document, options, settings, disabled)
        seconds += time.perf_counter() - started
        reference = "\n".join(reference_lines)
        system_text = "\n".join(_one_line(s.text) for s in summary.sentences)
        lead_lines = [_one_line(document.sentence_text(i)) for i in range(len(document.sentences))]
        lead_text = "\n".join(lead_lines[: summary.budget])
        system.add(scorer.score(reference, system_text))
        lead.add(scorer.score(reference, lead_text))
    return {
        "n": system.n,
        "system": system.means(),
        "lead": lead.means(),
        "articles_per_second": round(system.n / seconds, 1) if seconds > 0 else 0.0,
    }


def format_table(result: dict[str, Any], budget: int | str, method: str, note: str = "") -> str:
    header = f"{'':<24}{'ROUGE-1':>9}{'ROUGE-2':>9}{'ROUGE-Lsum':>12}"
    rows = [f"articles: {result['n']}   budget: {budget}{note}", header]
    names = {"system": method, "lead": f"Lead-{'K' if budget == 'reference' else budget}"}
    for key, label in names.items():
        r = result[key]
        rows.append(f"{label:<24}{r['rouge1']:>9.2f}{r['rouge2']:>9.2f}{r['rougeLsum']:>12.2f}")
    d = {k: result["system"][k] - result["lead"][k] for k in ROUGE_KEYS}
    rows.append(
        f"{'difference':<24}{d['rouge1']:>+9.2f}{d['rouge2']:>+9.2f}{d['rougeLsum']:>+12.2f}"
    )
    rows.append(f"summarization speed: {result['articles_per_second']} articles/s (one process)")
    return "\n".join(rows)


def run(args: argparse.Namespace) -> int:
    from services.ingest.core import build_document
    from services.summarization.core import method_name
    from services.summarization.split import in_half
    from shared.settings import get_settings

    rows: Iterable[dict[str, str]] = read_articles(args.data)
    if args.half != "all":
        rows = (r for r in rows if in_half(r["id"], args.half))
    if args.limit is not None:
        rows = itertools.islice(rows, args.limit)
    try:
        result = evaluate(
            rows,
            args.sentences,
            build_document,
            get_settings(),
            frozenset(args.disable),
            args.against == "title",
        )
    except (OSError, ValueError) as error:
        print(f"newsflow eval summaries: {error}", file=sys.stderr)
        return 2
    if result["n"] == 0:
        print("newsflow eval summaries: no articles to score", file=sys.stderr)
        return 2
    note = "".join(
        [
            "   against: headline" if args.against == "title" else "",
            f"   disabled: {', '.join(args.disable)}" if args.disable else "",
        ]
    )
    print(format_table(result, args.sentences, method_name(), note))
    print(json.dumps(result))
    return 0
