"""Score extraction's named entities on CoNLL-2003 data (exact mention spans, micro P/R/F1).

Each ``-DOCSTART-`` block becomes one text (tokens joined by spaces, one sentence a line) and goes
through the extraction core exactly as a worker runs it, with its sentences either the gold ones
(``gold``) or ingest's own (``ingest``: the text is submitted as plain text through ingest's
``build_document`` and mentions are mapped back through its offset map). Every entity mention is
mapped to CoNLL's four types and scored against the gold spans. ``--baseline`` also scores the
CoNLL-trained model alone (no post-rules, no entity merging) and en_core_web_sm alone. The last
line printed is one JSON object.
"""

import argparse
import json
import time
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from services.extraction.conll import ConllDocument, held_out, read_conll
from services.extraction.entities import COARSE, build_entities
from services.extraction.ner import run_models
from services.extraction.pipeline import CONLL_MODEL, Pipeline
from services.extraction.refine import NER_GROUPS, corrected
from services.extraction.sentences import SentenceIndex
from shared.models import Document, Entity, Sentence
from shared.settings import Settings

TYPES = ("PER", "ORG", "LOC", "MISC")
SEGMENTERS = ("gold", "ingest")

Gold = set[tuple[int, int, str]]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, required=True, help="CoNLL-2003 file (IOB1)")
    parser.add_argument("--limit", type=int, default=0, help="score the first N documents only")
    parser.add_argument(
        "--segmenter",
        choices=[*SEGMENTERS, "both"],
        default="both",
        help="sentences from the gold data, from ingest's segmenter, or both (default)",
    )
    parser.add_argument(
        "--held-out",
        action="store_true",
        help="only the documents train.py keeps out of training (every tenth; for eng.train)",
    )
    parser.add_argument(
        "--disable",
        nargs="*",
        default=[],
        metavar="GROUP",
        help='rule groups to switch off, e.g. "ner.places" (docs/extraction.md, Ablation)',
    )
    parser.add_argument(
        "--model",
        type=Path,
        default=None,
        help="CoNLL NER artefact instead of the shipped one (e.g. one not trained on --data)",
    )
    parser.add_argument(
        "--ablate",
        action="store_true",
        help="gold sentences only: F1 with all NER rules, each rule group off, and none",
    )
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="also score the CoNLL-trained model without post-rules, and en_core_web_sm alone",
    )


def token_span(starts: list[int], ends: list[int], start: int, end: int) -> tuple[int, int] | None:
    """Character span -> (first token, last token + 1): every token it touches, whole."""
    first = bisect_right(ends, start)  # first token ending after the span starts
    last = bisect_left(starts, end) - 1  # last token starting before the span ends
    return (first, last + 1) if first <= last else None


class Score:
    def __init__(self) -> None:
        self.tp: Counter[str] = Counter()
        self.fp: Counter[str] = Counter()
        self.fn: Counter[str] = Counter()
        self.seconds = 0.0
        self.words = 0

    def timed(self, began: float, words: int) -> None:
        self.seconds += time.perf_counter() - began
        self.words += words

    def add(self, gold: Gold, predicted: Gold) -> None:
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

    @property
    def words_per_second(self) -> float:
        return self.words / self.seconds if self.seconds else 0.0

    def table(self, name: str) -> str:
        rows = [f"{name}\n{'type':<6} {'P':>6} {'R':>6} {'F1':>6} {'gold':>6}"]
        for t in TYPES:
            p, r, f = self.of(t)
            rows.append(f"{t:<6} {p:6.3f} {r:6.3f} {f:6.3f} {self.tp[t] + self.fn[t]:6d}")
        p, r, f = self.total()
        gold = sum(self.tp.values()) + sum(self.fn.values())
        rows.append(f"{'all':<6} {p:6.3f} {r:6.3f} {f:6.3f} {gold:6d}")
        rows.append(f"{self.words_per_second:,.0f} words/s")
        return "\n".join(rows)

    def summary(self) -> dict[str, Any]:
        p, r, f = self.total()
        return {
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
            "per_type": {t: round(self.of(t)[2], 4) for t in TYPES},
            "words_per_second": round(self.words_per_second),
        }


def predicted(
    entities: list[Entity],
    to_source: Callable[[int, int], tuple[int, int] | None],
    starts: list[int],
    ends: list[int],
) -> Gold:
    """Every mention of a CoNLL-typed entity as (first token, last token + 1, CoNLL type)."""
    found: Gold = set()
    for entity in entities:
        kind = COARSE.get(entity.type)
        for m in entity.mentions:
            source = to_source(m.start, m.end)
            span = token_span(starts, ends, *source) if kind and source else None
            if kind and span:
                found.add((*span, kind))
    return found


def coarse_spans(spans: list[tuple[int, int, str]], starts: list[int], ends: list[int]) -> Gold:
    """Raw model spans (already CoNLL-typed or OntoNotes) as scored tuples."""
    found: Gold = set()
    for s, e, label in spans:
        kind = COARSE.get(label, label if label in TYPES else None)
        span = token_span(starts, ends, s, e)
        if kind and span:
            found.add((*span, kind))
    return found


def _same(start: int, end: int) -> tuple[int, int]:
    return start, end


def gold_document(index: int, conll: ConllDocument) -> Document:
    """The CoNLL document as a Document with the gold sentences."""
    text, tokens, sentences = conll.layout()
    return Document(
        article_id=f"conll-{index}",
        text=text,
        content_type="text",
        sentences=[
            Sentence(index=j, start=s, end=e, paragraph=0) for j, (s, e) in enumerate(sentences)
        ],
        word_count=len(tokens),
    )


def _documents(args: argparse.Namespace) -> Iterator[tuple[int, ConllDocument]]:
    picked = 0
    for i, conll in enumerate(read_conll(args.data)):
        if args.held_out and not held_out(i):
            continue
        if args.limit and picked >= args.limit:
            return
        picked += 1
        yield i, conll


def _evaluate(args: argparse.Namespace, pipeline: Pipeline, settings: Settings) -> dict[str, Any]:
    import spacy

    from services.evaluation.documents import ingest_text
    from services.extraction.core import extract

    disabled = frozenset(args.disable)
    segmenters = SEGMENTERS if args.segmenter == "both" else (args.segmenter,)
    scores = {name: Score() for name in segmenters}
    small = spacy.load(settings.spacy_model) if args.baseline else None
    raw, small_score = Score(), Score()
    count = 0
    for i, conll in _documents(args):
        count += 1
        text, tokens, _ = conll.layout()
        starts, ends = [s for s, _ in tokens], [e for _, e in tokens]
        gold = set(conll.gold_spans())
        if "gold" in scores:
            began = time.perf_counter()
            extraction = extract(pipeline, gold_document(i, conll), disabled)
            scores["gold"].timed(began, len(tokens))
            scores["gold"].add(gold, predicted(extraction.entities, _same, starts, ends))
        if "ingest" in scores:
            began = time.perf_counter()
            document, offsets = ingest_text(f"conll-{i}", text, None, settings)
            extraction = extract(pipeline, document, disabled)
            scores["ingest"].timed(began, len(tokens))
            scores["ingest"].add(gold, predicted(extraction.entities, offsets.span, starts, ends))
        if small is not None and pipeline.conll is not None:
            began = time.perf_counter()
            doc = pipeline.conll(pipeline.nlp.make_doc(text))
            raw.timed(began, len(tokens))
            ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
            raw.add(gold, coarse_spans(ents, starts, ends))
            began = time.perf_counter()
            doc = small(text)
            small_score.timed(began, len(tokens))
            ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
            small_score.add(gold, coarse_spans(ents, starts, ends))

    words = next(iter(scores.values())).words
    result: dict[str, Any] = {"documents": count, "words": words, "disabled": sorted(disabled)}
    for name, score in scores.items():
        print(score.table(f"{pipeline.model}, {name} sentences: {count} documents, {words} words"))
        result[name] = score.summary()
    if small is not None:
        print(raw.table("baseline: CoNLL-trained model alone, no post-rules"))
        print(small_score.table(f"reference: {settings.spacy_model} alone"))
        result["baseline"] = raw.summary()
        result["small_model"] = {"model": settings.spacy_model, **small_score.summary()}
    return result


def _ablate(args: argparse.Namespace, pipeline: Pipeline) -> dict[str, Any]:
    """Gold sentences; the models run once per document, the rules once per configuration."""
    configs = {"all rules": frozenset[str]()}
    configs.update({f"-{g}": frozenset({g}) for g in NER_GROUPS})
    configs["no rules"] = frozenset(NER_GROUPS)
    scores = {name: Score() for name in configs}
    alone, unmerged = Score(), Score()
    gazetteer = pipeline.gazetteer
    for i, conll in _documents(args):
        document = gold_document(i, conll)
        _, tokens, _ = conll.layout()
        starts, ends = [s for s, _ in tokens], [e for _, e in tokens]
        gold = set(conll.gold_spans())
        sentences = SentenceIndex(document)
        doc, conll_spans, small = run_models(pipeline, document.text)
        raw = [(s.start, s.end, s.label) for s in conll_spans or small]
        alone.add(gold, coarse_spans(raw, starts, ends))
        bare = corrected(doc, conll_spans, small, gazetteer.place_type, [0], configs["no rules"])
        unmerged.add(gold, coarse_spans([(s.start, s.end, s.label) for s in bare], starts, ends))
        for name, off in configs.items():
            spans = corrected(doc, conll_spans, small, gazetteer.place_type, sentences.starts, off)
            entities = build_entities(spans, document.text, sentences, gazetteer.canonical, off)
            scores[name].add(gold, predicted(entities, _same, starts, ends))
    scores["no rules, no entity merging"] = unmerged
    scores["CoNLL model alone"] = alone
    header = f"{'rules':<28} {'F1':>6} " + " ".join(f"{t:>6}" for t in TYPES)
    print(header)
    for name, score in scores.items():
        per = " ".join(f"{score.of(t)[2]:6.3f}" for t in TYPES)
        print(f"{name:<28} {score.total()[2]:6.3f} {per}")
    return {
        name: {k: v for k, v in s.summary().items() if k != "words_per_second"}
        for name, s in scores.items()
    }


def run(args: argparse.Namespace) -> int:
    from services.extraction.core import load_pipeline
    from shared.settings import get_settings

    settings = get_settings()
    pipeline = load_pipeline(settings, args.model or CONLL_MODEL)
    if args.ablate:
        result = {"ablation": _ablate(args, pipeline)}
    else:
        result = _evaluate(args, pipeline, settings)
    print(json.dumps(result))
    return 0
