"""Keyphrases: what the article is about beyond its names, scored by use and position.

Our own small method (MIT, like the project; no GPL code such as YAKE): candidates are
adjective-noun runs from the tagger's Penn tags (no parser needed), names (nationalities too)
and numbers excluded;
a phrase scores by how often it recurs and how often its words recur anywhere (length-damped),
more when it appears early. Scores are normalised so the top phrase has 1.0.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Doc

from services.extraction.sentences import SentenceIndex
from shared.models import Keyphrase

_NOUN = frozenset({"NN", "NNS", "NNP", "NNPS"})
_ADJ = frozenset({"JJ", "JJR", "JJS", "VBN", "HYPH"})
_NAMED = frozenset(
    {
        "PERSON",
        "NORP",
        "ORG",
        "GPE",
        "LOC",
        "FAC",
        "DATE",
        "TIME",
        "CARDINAL",
        "ORDINAL",
        "MONEY",
        "PERCENT",
        "QUANTITY",
        "EVENT",
        "WORK_OF_ART",
        "LAW",
        "PRODUCT",
        "LANGUAGE",
        "MISC",
    }
)
_GENERIC = frozenset(
    [
        "part",
        "parts",
        "way",
        "ways",
        "time",
        "times",
        "kind",
        "sort",
        "thing",
        "things",
        "lot",
        "number",
        "numbers",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "people",
        "man",
        "men",
        "woman",
        "women",
        "group",
        "case",
        "cases",
        "fact",
        "end",
        "side",
        "sides",
        "place",
        "level",
        "levels",
        "move",
        "first",
        "last",
        "other",
        "others",
        "such",
        "same",
        "several",
        "various",
    ]
)
_MAX_WORDS = 4
TOP = 10


@dataclass
class _Candidate:
    forms: Counter[str] = field(default_factory=Counter)
    count: int = 0
    first_sentence: int = 0
    words: tuple[str, ...] = ()


def _fold(word: str) -> str:
    w = word.lower().replace("’", "'")
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")) else w


def keyphrases(
    doc: Doc, named: list[tuple[int, int, str]], sentences: SentenceIndex, top: int = TOP
) -> list[Keyphrase]:
    blocked = [False] * len(doc)
    for start, end, label in named:
        if label in _NAMED:
            for token in doc.char_span(start, end, alignment_mode="expand") or []:
                blocked[token.i] = True
    runs: list[list[int]] = [[]]
    for token in doc:
        if (
            not blocked[token.i]
            and (token.tag_ in _NOUN or token.tag_ in _ADJ)
            and (token.is_alpha or token.tag_ == "HYPH")
        ):
            runs[-1].append(token.i)
        elif runs[-1]:
            runs.append([])
    candidates: dict[tuple[str, ...], _Candidate] = defaultdict(_Candidate)
    word_tf: Counter[str] = Counter()
    text = doc.text  # built by joining every token: once, not per phrase (quadratic)
    for run in runs:
        while run and doc[run[-1]].tag_ not in _NOUN:
            run.pop()
        while run and (doc[run[0]].tag_ == "HYPH" or _fold(doc[run[0]].text) in _GENERIC):
            run.pop(0)
        run = run[-_MAX_WORDS:]
        words = tuple(_fold(doc[i].text) for i in run if doc[i].tag_ != "HYPH")
        if not words or all(w in _GENERIC for w in words):
            continue
        cand = candidates[words]
        if not cand.count:
            cand.first_sentence = sentences.of(doc[run[0]].idx)
            cand.words = words
        cand.count += 1
        first, last = doc[run[0]], doc[run[-1]]
        form = text[first.idx : last.idx + len(last)]
        if (
            first.tag_ not in {"NNP", "NNPS"}
            and not first.ent_type_
            and sentences.bounds(first.idx)[0] == first.idx
        ):
            form = form[:1].lower() + form[1:]  # sentence-initial capital, not a name
        cand.forms[form] += 1
        word_tf.update(w for w in words if w not in _GENERIC)
    scored: list[tuple[float, _Candidate]] = []
    for cand in candidates.values():
        # Recurring words lift every phrase built on them ("maneuvers" in "latest maneuvers").
        content = sum(word_tf[w] for w in cand.words if w not in _GENERIC)
        use = cand.count + content / len(cand.words) ** 0.5
        scored.append((use * (1 + 1 / (2 + cand.first_sentence)), cand))
    scored.sort(key=lambda s: (-s[0], s[1].first_sentence))
    best = scored[0][0] if scored else 1.0
    out = []
    for score, cand in scored[:top]:
        text = cand.forms.most_common(1)[0][0]
        out.append(Keyphrase(text=text, score=round(score / best, 4), count=cand.count))
    return out
