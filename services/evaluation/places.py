"""Toponym predictions in score.py's format, and our own implementation of its places scores.

A prediction is every mention of a geocoded place (``Place.mentions``), mapped back to the
annotated text with the OffsetMap, carrying its place's coordinates (or none). Scores follow
Gritta et al. as shared/eval/score.py computes them: exact-span detection P/R/F1, and on gold
toponyms with coordinates that a prediction matches exactly, accuracy within 161 km and the AUC
of the log-error curve; a matched prediction without coordinates counts as the largest error.
"""

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from services.evaluation.align import OffsetMap
from services.evaluation.matching import overlap_matches
from shared.models import Extraction

EARTH_RADIUS_KM = 6371.0
MAX_ERROR_KM = 20039.0  # half the Earth's circumference: score.py's error for a pin-less match
ACCURACY_KM = 161.0  # 100 miles, the usual geocoding threshold (Gritta et al.)


def predict(extraction: Extraction, offsets: OffsetMap) -> list[dict[str, Any]]:
    """score.py's ``toponyms`` for one document: source spans, each with its place's pin."""
    toponyms: list[dict[str, Any]] = []
    seen: set[tuple[int, int]] = set()
    for place in extraction.places:
        for mention in place.mentions:
            span = offsets.span(mention.start, mention.end)
            if span is None or span in seen:
                continue
            seen.add(span)
            toponyms.append(
                {"start": span[0], "end": span[1], "lat": place.latitude, "lon": place.longitude}
            )
    return sorted(toponyms, key=lambda t: (t["start"], t["end"]))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass
class PlaceScore:
    """Running totals over documents; ``errors`` are km for matched gold toponyms with a pin."""

    true_positives: int = 0
    predicted: int = 0
    gold: int = 0
    overlapping: int = 0
    errors: list[float] = field(default_factory=list)

    def add(
        self, gold: Sequence[Mapping[str, Any]], predicted: Sequence[Mapping[str, Any]]
    ) -> None:
        spans: dict[tuple[int, int], list[Mapping[str, Any]]] = {}
        for p in predicted:
            spans.setdefault((p["start"], p["end"]), []).append(p)
        self.predicted += len(predicted)
        self.gold += len(gold)
        self.overlapping += len(
            overlap_matches(
                [(g["start"], g["end"]) for g in gold], [(p["start"], p["end"]) for p in predicted]
            )
        )
        for g in gold:
            candidates = spans.get((g["start"], g["end"]))
            if not candidates:
                continue
            p = candidates.pop(0)
            self.true_positives += 1
            if g.get("lat") is None:
                continue
            if p.get("lat") is None or p.get("lon") is None:
                self.errors.append(MAX_ERROR_KM)
            else:
                self.errors.append(haversine_km(g["lat"], g["lon"], p["lat"], p["lon"]))

    def detection(self, true_positives: int | None = None) -> tuple[float, float, float]:
        tp = self.true_positives if true_positives is None else true_positives
        p = tp / self.predicted if self.predicted else 0.0
        r = tp / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def accuracy(self) -> float:
        """Share of matched gold toponyms pinned within 161 km."""
        if not self.errors:
            return 0.0
        return sum(1 for e in self.errors if e <= ACCURACY_KM) / len(self.errors)

    def auc(self) -> float:
        """Area under the sorted ln(1 + error) curve, normalised: 0 best, 1 worst."""
        logs = [math.log(e + 1) for e in sorted(self.errors)]
        if not logs:
            return 0.0
        if len(logs) == 1:
            return logs[0] / math.log(MAX_ERROR_KM)
        area = sum((a + b) / 2 for a, b in itertools.pairwise(logs))
        return area / (math.log(MAX_ERROR_KM) * (len(logs) - 1))

    def without_pin(self) -> int:
        return sum(1 for e in self.errors if e >= MAX_ERROR_KM)

    def summary(self) -> dict[str, Any]:
        p, r, f = self.detection()
        relaxed = self.detection(self.overlapping)[2]
        return {
            "detection_f1": round(100 * f, 2),
            "detection_p": round(100 * p, 2),
            "detection_r": round(100 * r, 2),
            "detection_relaxed_f1": round(100 * relaxed, 2),
            "acc161": round(100 * self.accuracy(), 2),
            "auc": round(self.auc(), 4),
            "geocoded": len(self.errors),
            "matched_without_coords": self.without_pin(),
            "gold": self.gold,
            "predicted": self.predicted,
        }


def score(
    gold_docs: Iterable[Mapping[str, Any]], predictions: Mapping[str, Sequence[Mapping[str, Any]]]
) -> PlaceScore:
    """Score every gold document; one missing from ``predictions`` predicted nothing."""
    total = PlaceScore()
    for doc in gold_docs:
        total.add(doc["toponyms"], list(predictions.get(doc["id"], [])))
    return total
