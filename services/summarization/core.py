"""The summarization stage's pure core: Document in, Summary out, as the worker and eval call it."""

from services.summarization import position_centroid as method
from services.summarization.budget import summary_budget
from services.summarization.select import pick
from services.summarization.text import words
from shared.models import Document, Summary, SummaryOptions, SummarySentence
from shared.settings import Settings

# Only the first sentences are considered: bounds time and memory (the TF-IDF matrix grows with
# sentences x vocabulary), and the position prior gives nothing that deep a chance anyway.
MAX_INPUT_SENTENCES = 400


def method_name() -> str:
    return f"{method.METHOD} v{method.VERSION}"


def _repeats_title(sentence: list[str], title: list[str]) -> bool:
    """A body that opens with its own headline would otherwise spend budget on it."""
    return bool(sentence) and len(sentence) <= len(title) and title[: len(sentence)] == sentence


def candidates(document: Document) -> list[tuple[int, list[str]]]:
    """(index, words) of sentences that can be picked: with words, within the cap, not the title."""
    found = []
    for i in range(min(len(document.sentences), MAX_INPUT_SENTENCES)):
        tokens = words(document.sentence_text(i))
        if tokens:
            found.append((i, tokens))
    title = words(document.title or "")
    if found and _repeats_title(found[0][1], title):
        found = found[1:]
    return found


def summarize(document: Document, options: SummaryOptions, settings: Settings) -> Summary:
    budget = summary_budget(options, len(document.sentences), settings)
    found = candidates(document) if budget else []
    picked: list[SummarySentence] = []
    if found:
        title = words(document.title) if document.title else None
        scores, vectors = method.score([tokens for _, tokens in found], title)
        for row in pick(scores, vectors, budget):
            index = found[row][0]
            s = document.sentences[index]
            picked.append(
                SummarySentence(
                    index=index,
                    start=s.start,
                    end=s.end,
                    text=document.text[s.start : s.end],
                    score=round(float(scores[row]), 6),
                )
            )
    picked.sort(key=lambda s: s.index)
    return Summary(
        method=method.METHOD, method_version=method.VERSION, budget=budget, sentences=picked
    )
