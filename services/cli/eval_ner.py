"""Score extraction's named entities on CoNLL-2003 data (exact mention spans, micro P/R/F1).

Each ``-DOCSTART-`` block becomes one Document (tokens joined by spaces, one sentence a line) and
goes through the extraction core exactly as a worker runs it; every entity mention is mapped to
CoNLL's four types and scored against the gold spans. The last line printed is one JSON object.
"""

import argparse
import json
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from pathlib import Path
from typing import Any

TYPES = ("PER", "ORG", "LOC", "MISC")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, required=True, help="CoNLL-2003 file (IOB1)")
    parser.add_argument("--limit", type=int, default=0, help="score the first N documents only")
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="also time and score the spaCy model alone (en_core_web_sm) on the same text",
    )


def _token_span(starts: list[int], ends: list[int], start: int, end: int) -> tuple[int, int] | None:
    """Character span -> (first token, last token + 1): every token it touches, whole."""
    first = bisect_right(ends, start)  # first token ending after the span starts
    last = bisect_left(starts, end) - 1  # last token starting before the span ends
    return (first, last + 1) if first <= last else None


class _Score:
    def __init__(self) -> None:
        self.tp: Counter[str] = Counter()
        self.fp: Counter[str] = Counter()
        self.fn: Counter[str] = Counter()

    def add(self, gold: set[tuple[int, int, str]], predicted: set[tuple[int, int, str]]) -> None:
        for _, _, t in gold & predicted:
            self.tp[t] += 1
        for _, _, t in predicted - gold:
            self.fp[t] += 1
        for _, _, t in gold - predicted:
            self.fn[t] += 1

    @staticmethod
    def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def total(self) -> tuple[float, float, float]:
        return self._prf(sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values()))

    def of(self, t: str) -> tuple[float, float, float]:
        return self._prf(self.tp[t], self.fp[t], self.fn[t])


def _table(name: str, score: _Score, words_per_second: float) -> str:
    rows = [f"{name}\n{'type':<6} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}"]
    for t in TYPES:
        p, r, f = score.of(t)
        rows.append(f"{t:<6} {p:6.3f} {r:6.3f} {f:6.3f} {score.tp[t] + score.fn[t]:6d}")
    p, r, f = score.total()
    gold = sum(score.tp.values()) + sum(score.fn.values())
    rows.append(f"{'all':<6} {p:6.3f} {r:6.3f} {f:6.3f} {gold:6d}")
    rows.append(f"{words_per_second:,.0f} words/s")
    return "\n".join(rows)


def run(args: argparse.Namespace) -> int:
    import spacy

    from services.extraction.conll import read_conll
    from services.extraction.core import extract, load_pipeline
    from services.extraction.ner import COARSE
    from shared.models import Document, Sentence
    from shared.settings import get_settings

    settings = get_settings()
    pipeline = load_pipeline(settings)
    baseline = spacy.load(settings.spacy_model) if args.baseline else None
    score, base_score = _Score(), _Score()
    seconds = base_seconds = 0.0
    words = documents = 0
    for i, conll in enumerate(read_conll(args.data)):
        if args.limit and i >= args.limit:
            break
        text, tokens, sentences = conll.layout()
        document = Document(
            article_id=f"conll-{i}",
            text=text,
            content_type="text",
            sentences=[
                Sentence(index=j, start=s, end=e, paragraph=0) for j, (s, e) in enumerate(sentences)
            ],
            word_count=len(tokens),
        )
        starts = [s for s, _ in tokens]
        ends = [e for _, e in tokens]
        gold = set(conll.gold_spans())

        began = time.perf_counter()
        extraction = extract(pipeline, document)
        seconds += time.perf_counter() - began
        predicted = set()
        for entity in extraction.entities:
            kind = COARSE.get(entity.type)
            for m in entity.mentions:
                span = _token_span(starts, ends, m.start, m.end)
                if kind and span:
                    predicted.add((*span, kind))
        score.add(gold, predicted)

        if baseline is not None:
            began = time.perf_counter()
            doc = baseline(text)
            base_seconds += time.perf_counter() - began
            base = {
                (*span, COARSE[e.label_])
                for e in doc.ents
                if e.label_ in COARSE
                and (span := _token_span(starts, ends, e.start_char, e.end_char))
            }
            base_score.add(gold, base)
        words += len(tokens)
        documents += 1

    wps = words / seconds if seconds else 0.0
    print(_table(f"{pipeline.model}: {documents} documents, {words} words", score, wps))
    p, r, f = score.total()
    result: dict[str, Any] = {
        "documents": documents,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "per_type": {t: round(score.of(t)[2], 4) for t in TYPES},
        "words_per_second": round(wps),
    }
    if baseline is not None:
        base_wps = words / base_seconds if base_seconds else 0.0
        print(_table(f"baseline {settings.spacy_model} alone", base_score, base_wps))
        result["baseline"] = {
            "model": settings.spacy_model,
            "f1": round(base_score.total()[2], 4),
            "per_type": {t: round(base_score.of(t)[2], 4) for t in TYPES},
            "words_per_second": round(base_wps),
        }
    print(json.dumps(result))
    return 0
