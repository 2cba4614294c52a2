"""One article rewritten: some sentences kept in a new order, some entities renamed, offsets kept.

The corpus benchmark's articles are variants of real pipeline results (corpus_vary.py). A variant
must still be a coherent result: every offset points into its own text, mentions say what the
text says there, and the summary, entities, places, dates and quotes only refer to sentences it
kept. So a variant is rendered sentence by sentence, renaming entity mentions in place, and every
span is mapped from the old text to the new; a span cut by a renaming is dropped.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.gateway.corpus.keys import slug
from services.ingest.words import iter_words
from shared.models import ArticleResult
from shared.models.document import Document, Paragraph, Sentence
from shared.models.extraction import Entity, Extraction, Mention, Place, Quote
from shared.models.summary import Summary, SummarySentence

RENAMED_TYPES = ("PERSON", "ORG")  # people and organisations come and go; places stay put


@dataclass(frozen=True)
class Replacement:
    start: int  # old offsets
    end: int
    text: str


@dataclass(frozen=True)
class Layout:
    """Where each kept old sentence went: its new start and the renamings inside it."""

    new_index: dict[int, int]
    old_bounds: dict[int, tuple[int, int]]
    new_start: dict[int, int]
    replacements: dict[int, list[Replacement]]

    def locate(self, start: int, end: int) -> int | None:
        """The kept old sentence holding the whole old span, if any."""
        for sentence, (lo, hi) in self.old_bounds.items():
            if lo <= start and end <= hi:
                return sentence
        return None

    def span(self, start: int, end: int) -> tuple[int, int, int] | None:
        """An old span as (new start, new end, new sentence index); None if its sentence was
        dropped, it crosses sentences, or a renaming cuts it."""
        sentence = self.locate(start, end)
        if sentence is None:
            return None
        shift = self.new_start[sentence] - self.old_bounds[sentence][0]
        for r in self.replacements[sentence]:
            if r.start == start and r.end == end:
                return start + shift, start + shift + len(r.text), self.new_index[sentence]
            if r.end <= start:
                shift += len(r.text) - (r.end - r.start)
            elif r.start < end:  # overlaps a renamed span without being it
                return None
        return start + shift, end + shift, self.new_index[sentence]


def renamed_mention(text: str, old: str, new: str) -> str:
    """A mention of a renamed entity: the full name, or its last word (a surname) alone."""
    if text == old:
        return new
    old_words, new_words = old.split(), new.split()
    if len(old_words) > 1 and text == old_words[-1]:
        return new_words[-1]
    return text


def _replacements(
    extraction: Extraction, renames: Mapping[str, str]
) -> dict[int, list[Replacement]]:
    by_sentence: dict[int, list[Replacement]] = {}
    for entity in extraction.entities:
        new = renames.get(entity.name)
        if new is None or entity.type not in RENAMED_TYPES:
            continue
        for m in entity.mentions:
            text = renamed_mention(m.text, entity.name, new)
            if text != m.text:
                by_sentence.setdefault(m.sentence, []).append(Replacement(m.start, m.end, text))
    out: dict[int, list[Replacement]] = {}
    for sentence, found in by_sentence.items():
        kept: list[Replacement] = []
        for r in sorted(found, key=lambda r: (r.start, r.end)):
            if not kept or r.start >= kept[-1].end:  # overlapping mentions: the first wins
                kept.append(r)
        out[sentence] = kept
    return out


def _render(
    document: Document, order: Sequence[int], replacements: dict[int, list[Replacement]]
) -> tuple[str, Layout, list[Paragraph], list[Sentence]]:
    parts: list[str] = []
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    layout = Layout({}, {}, {}, {})
    cursor = 0
    previous_paragraph: int | None = None
    for new_index, old_index in enumerate(order):
        old = document.sentences[old_index]
        if previous_paragraph is not None:
            same = old.paragraph == previous_paragraph
            separator = " " if same else "\n\n"
            parts.append(separator)
            cursor += len(separator)
            if not same:
                paragraphs[-1] = paragraphs[-1].model_copy(update={"end": cursor - 2})
        if previous_paragraph is None or old.paragraph != previous_paragraph:
            paragraphs.append(Paragraph(index=len(paragraphs), start=cursor, end=cursor))
        previous_paragraph = old.paragraph
        pieces, at = [], old.start
        for r in replacements.get(old_index, []):
            pieces += [document.text[at : r.start], r.text]
            at = r.end
        pieces.append(document.text[at : old.end])
        body = "".join(pieces)
        layout.new_index[old_index] = new_index
        layout.old_bounds[old_index] = (old.start, old.end)
        layout.new_start[old_index] = cursor
        layout.replacements[old_index] = replacements.get(old_index, [])
        sentences.append(
            Sentence(
                index=new_index,
                start=cursor,
                end=cursor + len(body),
                paragraph=len(paragraphs) - 1,
            )
        )
        parts.append(body)
        cursor += len(body)
    if paragraphs:
        paragraphs[-1] = paragraphs[-1].model_copy(update={"end": cursor})
    return "".join(parts), layout, paragraphs, sentences


def _mentions(mentions: Sequence[Mention], layout: Layout, text: str) -> list[Mention]:
    out = []
    for m in mentions:
        span = layout.span(m.start, m.end)
        if span is not None:
            out.append(
                Mention(
                    start=span[0],
                    end=span[1],
                    text=text[span[0] : span[1]],
                    sentence=span[2],
                )
            )
    return out


def _entities(
    extraction: Extraction, renames: Mapping[str, str], layout: Layout, text: str
) -> tuple[list[Entity], dict[str, str]]:
    entities, ids = [], {}
    for e in extraction.entities:
        mentions = _mentions(e.mentions, layout, text)
        if not mentions:
            continue
        name = renames.get(e.name, e.name) if e.type in RENAMED_TYPES else e.name
        new_id = f"{e.type}:{slug(name)}"
        ids[e.id] = new_id
        entities.append(
            e.model_copy(
                update={
                    "id": new_id,
                    "name": name,
                    "count": len(mentions),
                    "first_offset": min(m.start for m in mentions),
                    "mentions": mentions,
                }
            )
        )
    return entities, ids


def _places(
    extraction: Extraction, ids: Mapping[str, str], layout: Layout, text: str
) -> list[Place]:
    places: list[Place] = []
    for p in extraction.places:
        mentions = _mentions(p.mentions, layout, text)
        entity = ids.get(p.entity) if p.entity else None
        if mentions or entity:
            places.append(p.model_copy(update={"entity": entity, "mentions": mentions}))
    return places


def _quotes(
    extraction: Extraction,
    renames: Mapping[str, str],
    ids: Mapping[str, str],
    layout: Layout,
    text: str,
) -> list[Quote]:
    quotes = []
    for q in extraction.quotes:
        span = layout.span(q.start, q.end)
        if span is None:
            continue
        speaker = None
        if q.speaker_start is not None and q.speaker_end is not None:
            speaker = layout.span(q.speaker_start, q.speaker_end)
        update = {
            "start": span[0],
            "end": span[1],
            "text": text[span[0] : span[1]],
            "sentence": span[2],
            "speaker": renames.get(q.speaker, q.speaker) if q.speaker else None,
            "speaker_entity": ids.get(q.speaker_entity) if q.speaker_entity else None,
            "speaker_start": speaker[0] if speaker else None,
            "speaker_end": speaker[1] if speaker else None,
        }
        quotes.append(q.model_copy(update=update))
    return quotes


def _summary(
    summary: Summary | None, layout: Layout, sentences: list[Sentence], text: str
) -> Summary | None:
    if summary is None:
        return None
    chosen = [
        (layout.new_index[s.index], s.score)
        for s in summary.sentences
        if s.index in layout.new_index
    ]
    if not chosen:  # every chosen sentence was dropped: the lead stands in, as Lead-K would
        chosen = [(i, 0.0) for i in range(min(len(sentences), max(1, summary.budget)))]
    kept = [
        SummarySentence(
            index=i,
            start=sentences[i].start,
            end=sentences[i].end,
            text=text[sentences[i].start : sentences[i].end],
            score=score,
        )
        for i, score in sorted(chosen)
    ]
    return summary.model_copy(update={"sentences": kept})


def rewrite(
    result: ArticleResult, order: Sequence[int], renames: Mapping[str, str]
) -> ArticleResult:
    """``result`` with only the sentences ``order`` (old indices, in their new order), renamed.

    ``renames`` maps an entity's name to its new name (PERSON and ORG only). The caller sets
    identity, dates and source, and the MinHash signature, on the returned copy.
    """
    assert result.document is not None and result.extraction is not None
    document, extraction = result.document, result.extraction
    text, layout, paragraphs, sentences = _render(
        document, order, _replacements(extraction, renames)
    )
    entities, ids = _entities(extraction, renames, layout, text)
    folded = text.casefold()
    dates = []
    for d in extraction.dates:
        span = layout.span(d.start, d.end)
        if span is not None:
            dates.append(
                d.model_copy(
                    update={
                        "start": span[0],
                        "end": span[1],
                        "text": text[span[0] : span[1]],
                        "sentence": span[2],
                    }
                )
            )
    new_extraction = extraction.model_copy(
        update={
            "entities": entities,
            "places": _places(extraction, ids, layout, text),
            "dates": dates,
            "quotes": _quotes(extraction, renames, ids, layout, text),
            "keyphrases": [k for k in extraction.keyphrases if k.text.casefold() in folded],
        }
    )
    title = document.title
    for old, new in renames.items():
        if title and old in title:
            title = title.replace(old, new)
    new_document = document.model_copy(
        update={
            "text": text,
            "title": title,
            "paragraphs": paragraphs,
            "sentences": sentences,
            "word_count": sum(1 for _ in iter_words(text)),
        }
    )
    return result.model_copy(
        update={
            "document": new_document,
            "extraction": new_extraction,
            "summary": _summary(result.summary, layout, sentences, text),
        }
    )
