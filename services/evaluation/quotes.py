"""Direct quotes and their speakers, scored as PolNeAR's reference scorer does.

Two halves: ``prediction`` turns an Extraction's quotes into the scorer's record (offsets mapped
back to the annotated text with the OffsetMap, the speaker as the words naming it at the
attribution); ``score_quotes`` is our implementation of ``score.py quotes`` (direct-quote
detection F1 with a >= 50% letters-and-digits overlap both ways, speaker accuracy on matched
quotes against the gold source, its coreference chain or the chain's head word).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from services.evaluation.align import OffsetMap
from services.evaluation.matching import Span, greedy, overlap
from shared.models import Extraction, Quote

Record = Mapping[str, Any]


def _speaker_span(quote: Quote, extraction: Extraction) -> Span | None:
    """The words naming the speaker at the attribution; failing that, the resolved entity's last
    mention before the quote (or its first one)."""
    if quote.speaker_start is not None and quote.speaker_end is not None:
        return quote.speaker_start, quote.speaker_end
    if quote.speaker_entity is None:
        return None
    entity = next((e for e in extraction.entities if e.id == quote.speaker_entity), None)
    if entity is None or not entity.mentions:
        return None
    before = [m for m in entity.mentions if m.end <= quote.start]
    mention = before[-1] if before else entity.mentions[0]
    return mention.start, mention.end


def prediction(
    record_id: str, text: str, extraction: Extraction, offsets: OffsetMap
) -> dict[str, Any]:
    """One line of predictions for score.py. Quotes of one paragraph resting on the same
    attribution ("“…,” said X. “…”") are one quote of several fragments, as annotators mark an
    attribution: one cue, one source, its content wherever it lies."""
    groups: list[tuple[Span | None, list[Span], Span | None, int]] = []
    for quote in extraction.quotes:
        content = offsets.span(quote.start, quote.end)
        if content is None:
            continue
        speaker = _speaker_span(quote, extraction)
        source = offsets.span(*speaker) if speaker else None
        at = (
            (quote.speaker_start, quote.speaker_end)
            if quote.speaker_start is not None and quote.speaker_end is not None
            else None
        )
        previous = groups[-1] if groups else None
        if (
            previous is not None
            and at is not None
            and previous[0] == at
            and "\n" not in text[previous[3] : quote.start]
            and _opens_clause(text, quote.start)
        ):
            previous[1].append(content)
            groups[-1] = (previous[0], previous[1], previous[2], quote.end)
        else:
            groups.append((at, [content], source, quote.end))
    quotes = []
    for _, fragments, source, _ in groups:
        quotes.append(
            {
                "start": fragments[0][0],
                "end": fragments[-1][1],
                **({"fragments": [list(f) for f in fragments]} if len(fragments) > 1 else {}),
                "speaker": {"start": source[0], "end": source[1]} if source else None,
            }
        )
    return {"id": record_id, "quotes": quotes}


def _opens_clause(text: str, start: int) -> bool:
    """A quote that follows punctuation goes on with the speech ("…,” said X. “…”); one inside
    the writer's sentence ("adding that she is “…”") is a partial quote of its own."""
    before = text[max(0, start - 3) : max(0, start - 1)].rstrip()
    return not before or before[-1] in ",.:;!?—–-"


def _fragments(span: Mapping[str, Any]) -> list[Span]:
    return [(int(s), int(e)) for s, e in span.get("fragments", [[span["start"], span["end"]]])]


def _letters(text: str, fragments: Iterable[Span]) -> frozenset[int]:
    """Positions of letters and digits: quote marks, punctuation and spaces do not count."""
    return frozenset(i for s, e in fragments for i in range(s, e) if text[i].isalnum())


def _match(gold: Sequence[frozenset[int]], predicted: Sequence[frozenset[int]]) -> dict[int, int]:
    """One-to-one, greedy by overlap ratio; a pair must share half of each side's letters."""
    return greedy(
        (-shared / max(len(g), len(p)), i, j)
        for i, g in enumerate(gold)
        for j, p in enumerate(predicted)
        if g and p and (shared := len(g & p)) >= 0.5 * len(g) and shared >= 0.5 * len(p)
    )


def _speaker_right(text: str, record: Record, source: Mapping[str, Any], speaker: Span) -> bool:
    """Overlaps the gold source or a mention of its coreference chain, or ends in the chain's
    head word or the source's head ("Obama" for "he")."""
    if any(overlap(speaker, f) > 0 for f in _fragments(source)):
        return True
    chain = None
    if source.get("coref") is not None and record.get("coref"):
        chain = record["coref"][source["coref"]]
        if any(overlap(speaker, (m[0], m[1])) > 0 for m in chain["mentions"]):
            return True
    words = text[speaker[0] : speaker[1]].replace("\u2019s", "").replace("'s", "").split()
    last = words[-1].strip(".,;:").lower() if words else ""
    heads = {chain["rep_head"].lower()} if chain else set()
    if source.get("head"):
        heads.add(source["head"].lower())
    return bool(last) and last in heads


@dataclass
class QuoteScore:
    """Counts behind the figures: detection P/R/F1 and speaker accuracy."""

    tp: int = 0
    predicted: int = 0
    gold: int = 0
    ignored: int = 0  # unmatched predictions inside a mixed (partly quoted) attribution
    speaker_total: int = 0
    speaker_right: int = 0
    speaker_missing: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_right / self.speaker_total if self.speaker_total else 0.0

    def add(self, record: Record, predicted: Sequence[Mapping[str, Any]]) -> None:
        """Score one document: gold = its direct attributions."""
        text: str = record["text"]
        golds = [a for a in record["attributions"] if a["quote_type"] == "direct"]
        mixed = [a for a in record["attributions"] if a["quote_type"] == "mixed"]
        gold_letters = [_letters(text, _fragments(a["content"])) for a in golds]
        pred_letters = [_letters(text, _fragments(p)) for p in predicted]
        matched = _match(gold_letters, pred_letters)
        used = set(matched.values())
        mixed_letters = [_letters(text, _fragments(a["content"])) for a in mixed]
        ignored = sum(
            1
            for j, p in enumerate(pred_letters)
            if j not in used and p and any(len(p & m) >= 0.5 * len(p) for m in mixed_letters)
        )
        self.ignored += ignored
        self.tp += len(matched)
        self.predicted += len(predicted) - ignored
        self.gold += len(golds)
        for i, j in matched.items():
            source = golds[i]["source"]
            if source is None:
                continue
            self.speaker_total += 1
            speaker = predicted[j].get("speaker")
            if not speaker:
                self.speaker_missing += 1
                continue
            span = (int(speaker["start"]), int(speaker["end"]))
            self.speaker_right += _speaker_right(text, record, source, span)

    def as_dict(self) -> dict[str, Any]:
        """The figures in score.py's units (percentages, two decimals)."""
        return {
            "direct_quote_detection": {
                "p": round(100 * self.precision, 2),
                "r": round(100 * self.recall, 2),
                "f1": round(100 * self.f1, 2),
                "tp": self.tp,
                "n_pred": self.predicted,
                "n_gold": self.gold,
                "ignored_preds_on_mixed": self.ignored,
            },
            "speaker_accuracy": {
                "acc": round(100 * self.speaker_accuracy, 2),
                "correct": self.speaker_right,
                "n": self.speaker_total,
                "no_speaker_predicted": self.speaker_missing,
            },
        }


def score_quotes(
    records: Iterable[Record], predictions: Mapping[str, Mapping[str, Any]]
) -> QuoteScore:
    """score.py's quotes figures over ``records``; a record without predictions predicts none."""
    score = QuoteScore()
    for record in records:
        score.add(record, predictions.get(record["id"], {}).get("quotes", []))
    return score
