"""The summarization stage's pure core: Document in, Summary out, as the worker and eval call it.

Rule groups (``disabled``, for ablation): ``datelines`` (``candidates``) and the scorer's
``prior``, ``title``, ``title.meaning``, ``learned`` and ``features.GROUP``.
"""

from services.summarization.budget import summary_budget
from services.summarization.candidates import DATELINES, candidates
from services.summarization.features import GROUPS, features
from services.summarization.scoring import (
    LEARNED,
    PRIOR,
    TITLE,
    TITLE_MEANING,
    score,
    shipped_weights,
)
from services.summarization.select import pick
from services.summarization.text import words
from shared.models import Document, Summary, SummaryOptions, SummarySentence
from shared.settings import Settings

RULE_GROUPS: tuple[str, ...] = (
    DATELINES,
    PRIOR,
    TITLE,
    TITLE_MEANING,
    LEARNED,
    *(f"features.{group}" for group in GROUPS),
)


def method_name() -> str:
    weights = shipped_weights()
    return f"{weights.method} v{weights.version}"


def summarize(
    document: Document,
    options: SummaryOptions,
    settings: Settings,
    disabled: frozenset[str] = frozenset(),
) -> Summary:
    weights = shipped_weights()
    budget = summary_budget(options, len(document.sentences), settings)
    found = candidates(document, disabled) if budget else []
    picked: list[SummarySentence] = []
    if found:
        title = words(document.title) if document.title else None
        matrix, on_title = features(found, title)
        scores = score(matrix, on_title, weights, disabled)
        for row in pick(scores, budget):
            c = found[row]
            picked.append(
                SummarySentence(
                    index=c.index,
                    start=c.start,
                    end=c.end,
                    text=document.text[c.start : c.end],
                    score=round(float(scores[row]), 6),
                )
            )
    picked.sort(key=lambda s: s.index)
    return Summary(
        method=weights.method, method_version=weights.version, budget=budget, sentences=picked
    )
