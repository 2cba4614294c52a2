"""The part of a long document the NLP reads: its first sentences up to a character cap.

The taggers run at a few thousand words per second per core, so a document at the size limit
(Settings.max_document_chars) would hold a worker past the task's time limit. Extraction reads
the opening sentences up to Settings.max_nlp_chars instead and says so in its warnings: a news
article's entities, dates and quotes are front-loaded, and offsets stay those of the whole text.
"""

from shared.models import Document, Paragraph, Sentence


def _clipped(items: list[Sentence], cut: int) -> list[Sentence]:
    return [s.model_copy(update={"end": min(s.end, cut)}) for s in items if s.start < cut]


def nlp_part(document: Document, max_chars: int) -> tuple[Document, list[str]]:
    """``document`` itself when short enough, else its prefix cut at the last sentence end within
    ``max_chars`` (at ``max_chars`` when the first sentence alone is longer), with a warning."""
    text = document.text
    if len(text) <= max_chars:
        return document, []
    cut = max((s.end for s in document.sentences if s.end <= max_chars), default=max_chars)
    sentences = _clipped(document.sentences, cut)
    paragraphs: list[Paragraph] = [
        p.model_copy(update={"end": min(p.end, cut)}) for p in document.paragraphs if p.start < cut
    ]
    part = document.model_copy(
        update={
            "text": text[:cut],
            "sentences": sentences,
            "paragraphs": paragraphs,
            "word_count": len(text[:cut].split()),
        }
    )
    warning = (
        f"document has {len(text):,} characters: entities, dates, quotes, places and keyphrases "
        f"come from its first {cut:,} ({len(sentences):,} of {len(document.sentences):,} "
        "sentences; MAX_NLP_CHARS)"
    )
    return part, [warning]
