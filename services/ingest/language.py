"""Language identification with py3langid, reported as ISO 639-1 and a probability.

py3langid's model also knows dialects and a few languages without a two-letter code; their
probability is folded into the macrolanguage where one exists (Cantonese and Wu count as Chinese)
and dropped otherwise, so the answer always fits ``Document.language``.
"""

from functools import cache
from typing import Any

from py3langid.langid import MODEL_FILE, LanguageIdentifier

SAMPLE_CHARS = 10_000  # the first 10k characters decide; the rest only costs time
MIN_CONFIDENCE = 0.3  # below this the text is too short or mixed to name a language

_MACROLANGUAGE = {
    "arz": "ar",
    "ary": "ar",
    "fuv": "ff",
    "gug": "gn",
    "kik": "ki",
    "sdh": "ku",
    "uzs": "uz",
    "wuu": "zh",
    "yue": "zh",
}


@cache
def identifier() -> Any:
    """The model (about 0.5 s to load): call once at worker start so no task pays for it."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _iso639_1(label: str) -> str | None:
    if len(label) == 2:
        return label
    return _MACROLANGUAGE.get(label)


def detect_language(text: str) -> tuple[str, float] | None:
    """``(code, probability)``, or ``None`` when the text has no letters or no clear language."""
    sample = text[:SAMPLE_CHARS]
    if not any(c.isalpha() for c in sample):
        return None
    totals: dict[str, float] = {}
    for label, probability in identifier().rank(sample):
        code = _iso639_1(label)
        if code is not None:
            totals[code] = totals.get(code, 0.0) + float(probability)
    if not totals:
        return None
    code, probability = max(totals.items(), key=lambda item: item[1])
    probability = min(max(probability, 0.0), 1.0)
    return (code, probability) if probability >= MIN_CONFIDENCE else None
