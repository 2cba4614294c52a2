"""The sentences a summary may use, each with the span it would quote and the words it scores on."""

from dataclasses import dataclass

from services.summarization.datelines import dateline_end, is_bare_by, is_byline
from services.summarization.text import words
from shared.models import Document

# Only the first sentences are considered: bounds time and memory (the TF-IDF matrix grows with
# sentences x vocabulary), and the position prior gives nothing that deep a chance anyway.
MAX_INPUT_SENTENCES = 400

DATELINES = "datelines"


@dataclass(frozen=True)
class Candidate:
    """A pickable sentence: ``start`` is past any dateline, so ``text[start:end]`` is the quote."""

    index: int
    start: int
    end: int
    paragraph: int
    words: list[str]


def _repeats_title(sentence: list[str], title: list[str]) -> bool:
    """A body that opens with its own headline would otherwise spend budget on it."""
    return bool(sentence) and len(sentence) <= len(title) and title[: len(sentence)] == sentence


def candidates(document: Document, disabled: frozenset[str] = frozenset()) -> list[Candidate]:
    """Sentences with words, within the cap, not the title, not bylines, datelines cut off.

    With ``"datelines"`` disabled, bylines stay candidates and datelines stay in the sentence.
    """
    found: list[Candidate] = []
    after_bare_by = False
    for sentence in document.sentences[:MAX_INPUT_SENTENCES]:
        text = document.text[sentence.start : sentence.end]
        start = sentence.start
        if DATELINES not in disabled:
            if is_byline(text, after_bare_by):
                after_bare_by = is_bare_by(text)
                continue
            start += dateline_end(text)
        after_bare_by = False
        tokens = words(document.text[start : sentence.end])
        if tokens:
            found.append(Candidate(sentence.index, start, sentence.end, sentence.paragraph, tokens))
    title = words(document.title or "")
    if found and _repeats_title(found[0].words, title):
        found = found[1:]
    return found
