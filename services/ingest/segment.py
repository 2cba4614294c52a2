"""Rule-based sentence splitting inside one paragraph, with exact character spans.

A candidate boundary is terminal punctuation (``.``, ``?``, ``!``, ``…``) plus any closing quotes
or brackets, followed by a space. It is kept unless a lower-case word follows (``"Is it over?" she
asked``, ``cooks … they``), punctuation follows (``"Stop!", she said``), or the word before a
single period is an abbreviation (see ``abbreviations``). Decimals, URLs and "U.S." in mid-word
never qualify because no space follows their periods. CJK full stops split without a space.

One pass with a compiled regex and a few set look-ups per candidate: fast enough to run on every
article, and deterministic, unlike a statistical model the ingest image does not carry anyway.
"""

import re

from services.ingest.abbreviations import SENTENCE_STARTERS, abbreviation_kind

MAX_SENTENCE_CHARS = 1000  # longer runs (tables, lists without punctuation) are cut at a space

Span = tuple[int, int]

_CLOSERS = "\"'”’»)]"
_OPENERS = "\"'“‘«([¿¡"
# A match may only start where a run of terminal marks starts, and runs are taken whole
# (possessive): otherwise each mark of a long run ("........") would rescan the rest of it.
_BOUNDARY = re.compile(
    rf"(?<![.!?…])[.!?…]++[{re.escape(_CLOSERS)}]*+(?=\s)|(?<![。！？])[。！？]++[」』”’）)]*+"
)
_BULLET = re.compile(r"(?:[-*•●▪◦‣–]|\d{1,3}[.)])\s+")  # "1. " would read as a sentence
_WORD = re.compile(r"\w+")


def _is_break(text: str, match: re.Match[str]) -> bool:
    terminal = match.group()
    if terminal[0] in "。！？":
        return True
    pos = match.end()
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos == len(text):
        return False
    first = text[pos]
    if first.islower():
        return False
    if not (first.isalnum() or first in _OPENERS):
        return False
    if terminal.rstrip(_CLOSERS) != ".":
        return True
    token = text[text.rfind(" ", 0, match.start()) + 1 : match.start()]
    kind = abbreviation_kind(token.lstrip(_OPENERS).rstrip(_CLOSERS))
    if kind is None:
        return True
    if kind == "title":
        return False
    if first in _OPENERS:
        return True
    word = _WORD.match(text, pos)
    return word is not None and word.group().lower() in SENTENCE_STARTERS


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cap_length(text: str, span: Span) -> list[Span]:
    start, end = span
    pieces: list[Span] = []
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + 1, start + MAX_SENTENCE_CHARS)
        if cut <= start:
            cut = start + MAX_SENTENCE_CHARS
        pieces.append(_trim(text, start, cut))
        start = _trim(text, cut, end)[0]
    pieces.append((start, end))
    return pieces


def split_sentences(paragraph: str) -> list[Span]:
    """Sentence spans in ``paragraph``: ordered, non-overlapping, each slice already stripped.

    A leading list marker ("•", "-", "1.") belongs to the paragraph but not to its first
    sentence. Fragments with
    no letter or digit (a stray "…" or quote) join the sentence before them.
    """
    start = 0
    bullet = _BULLET.match(paragraph)
    if bullet:
        start = bullet.end()
    cuts = [m.end() for m in _BOUNDARY.finditer(paragraph, start) if _is_break(paragraph, m)]
    spans: list[Span] = []
    for end in [*cuts, len(paragraph)]:
        span = _trim(paragraph, start, end)
        start = end
        if span[0] == span[1]:
            continue
        if spans and not any(c.isalnum() for c in paragraph[span[0] : span[1]]):
            spans[-1] = (spans[-1][0], span[1])
            continue
        spans.append(span)
    if len(spans) > 1 and not any(c.isalnum() for c in paragraph[spans[0][0] : spans[0][1]]):
        spans[:2] = [(spans[0][0], spans[1][1])]
    return [piece for span in spans for piece in _cap_length(paragraph, span)]
