"""TempEval-3 time-expression scores for extraction output, as /work/shared/eval/score.py counts.

``predictions`` turns an Extraction into the scorer's record (spans mapped back to the annotated
text); ``score`` is our own implementation of its ``dates`` figures, checked against it by
tests/unit/test_eval_dates.py:

- all types: strict (exact span) and relaxed (overlap) P/R/F1, and value accuracy on relaxed
  matches (TE3 "value F1" = relaxed F1 x that accuracy);
- DATE/TIME: the same over gold DATE and TIME only; predictions typed DURATION/SET are dropped,
  and an unmatched prediction overlapping a gold DURATION/SET is ignored;
- DATE value accuracy: exact TIMEX3 value on gold DATEs relaxed-matched in DATE/TIME.

Matching is one to one: strict by identical span (first come first served), relaxed greedily by
overlap size.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from services.evaluation.align import OffsetMap
from services.evaluation.matching import Span, overlap, overlap_matches
from shared.models import Extraction

Timex = dict[str, Any]
# Share of the documents kept aside while tuning (by hashed id): 3 in 10.
HELDOUT_TENTHS = 3


def half_of(record_id: str) -> str:
    """ "heldout" for a stable ~30% of ids, else "train" (independent of file order)."""
    digest = int(hashlib.sha256(record_id.encode()).hexdigest()[:8], 16)
    return "heldout" if digest % 10 < HELDOUT_TENTHS else "train"


def predictions(record_id: str, extraction: Extraction, offsets: OffsetMap) -> dict[str, Any]:
    """The scorer's record: every date mention's span in the source text, type and value."""
    timexes = []
    for d in extraction.dates:
        span = offsets.span(d.start, d.end)
        if span is None:
            continue
        timexes.append({"start": span[0], "end": span[1], "type": d.type, "value": d.timex})
    return {"id": record_id, "timexes": timexes}


def _strict(gold: list[Timex], pred: list[Timex]) -> dict[int, int]:
    free: dict[tuple[int, int], list[int]] = defaultdict(list)
    for j, p in enumerate(pred):
        free[(p["start"], p["end"])].append(j)
    matched = {}
    for i, g in enumerate(gold):
        waiting = free.get((g["start"], g["end"]))
        if waiting:
            matched[i] = waiting.pop(0)
    return matched


def _relaxed(gold: list[Timex], pred: list[Timex]) -> dict[int, int]:
    return overlap_matches(_spans(gold), _spans(pred))


def _spans(timexes: list[Timex]) -> list[Span]:
    return [(t["start"], t["end"]) for t in timexes]


@dataclass
class _Counts:
    strict: int = 0
    relaxed: int = 0
    predicted: int = 0
    gold: int = 0

    def prf(self, tp: int) -> dict[str, float | int]:
        p = tp / self.predicted if self.predicted else 0.0
        r = tp / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {
            "p": round(100 * p, 2),
            "r": round(100 * r, 2),
            "f1": round(100 * f, 2),
            "tp": tp,
            "n_pred": self.predicted,
            "n_gold": self.gold,
        }


@dataclass
class DateScores:
    all_types: _Counts = field(default_factory=_Counts)
    date_time: _Counts = field(default_factory=_Counts)
    values_right: int = 0  # all types, on relaxed matches
    ignored: int = 0
    dates_matched: int = 0
    date_values_right: int = 0

    def add(self, gold: list[Timex], pred: list[Timex]) -> None:
        """Count one document."""
        a = self.all_types
        a.predicted += len(pred)
        a.gold += len(gold)
        a.strict += len(_strict(gold, pred))
        relaxed = _relaxed(gold, pred)
        a.relaxed += len(relaxed)
        self.values_right += sum(
            pred[j].get("value") == gold[i]["value"] for i, j in relaxed.items()
        )

        dt_gold = [g for g in gold if g["type"] in ("DATE", "TIME")]
        others = [(g["start"], g["end"]) for g in gold if g["type"] not in ("DATE", "TIME")]
        dt_pred = [p for p in pred if p.get("type") not in ("DURATION", "SET")]
        matched = _relaxed(dt_gold, dt_pred)
        used = set(matched.values())
        ignored = sum(
            1
            for j, p in enumerate(dt_pred)
            if j not in used and any(overlap((p["start"], p["end"]), o) > 0 for o in others)
        )
        d = self.date_time
        d.predicted += len(dt_pred) - ignored
        d.gold += len(dt_gold)
        d.strict += len(_strict(dt_gold, dt_pred))
        d.relaxed += len(matched)
        self.ignored += ignored
        for i, j in matched.items():
            if dt_gold[i]["type"] == "DATE":
                self.dates_matched += 1
                self.date_values_right += dt_pred[j].get("value") == dt_gold[i]["value"]

    def figures(self) -> dict[str, Any]:
        """The same JSON as score.py's ``dates`` task."""
        a, d = self.all_types, self.date_time
        relaxed = a.prf(a.relaxed)
        accuracy = self.values_right / a.relaxed if a.relaxed else 0.0
        date_acc = 100 * self.date_values_right / self.dates_matched if self.dates_matched else 0
        return {
            "all_types": {
                "strict": a.prf(a.strict),
                "relaxed": relaxed,
                "te3_value_f1": round(float(relaxed["f1"]) * accuracy, 2),
                "value_acc_on_relaxed_matches": round(100 * accuracy, 2),
            },
            "date_time": {
                "strict": d.prf(d.strict),
                "relaxed": d.prf(d.relaxed),
                "ignored_preds_on_duration_set": self.ignored,
            },
            "date_value_acc": {
                "acc": round(date_acc, 2),
                "correct": self.date_values_right,
                "matched_dates": self.dates_matched,
            },
        }


def score(gold_docs: list[dict[str, Any]], predicted: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Figures over documents; a document missing from ``predicted`` predicts nothing."""
    scores = DateScores()
    for doc in gold_docs:
        scores.add(doc["timexes"], predicted.get(doc["id"], {}).get("timexes", []))
    return scores.figures()
