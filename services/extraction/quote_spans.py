"""Where quoted text is: quotation marks paired in one left-to-right pass.

Linear on any input (unmatched marks, thousands of them): each mark is looked at once, and a
paragraph's scan keeps only the mark that is open. Rules, each measured on PolNeAR train/dev
(docs/extraction.md):

- “…” and «…» pair by direction; a straight " opens or closes by what touches it (a space before
  and a letter after opens), else by whether a quote is open.
- A paragraph that ends inside a quote continues into the next paragraph when that one opens with
  a quotation mark (the writers' convention for a quote of several paragraphs); otherwise the
  unmatched mark is dropped.
- Scare quotes are not speech: fewer than three words.
- ‘…’ (single marks) are not read as quotations: in PolNeAR (US news) they pair in 3 of 840
  train documents and no dev one, never around a direct quote (docs/extraction.md).
"""

from dataclasses import dataclass

_OPEN = {"“": "double", "«": "guillemet"}
_CLOSE = {"”": "double", "»": "guillemet"}
_STRAIGHT = '"'
_FEWEST_WORDS = 3
# Titles of works run a few words; lowercase words English titles keep (Chicago style).
_LONGEST_TITLE = 8
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "but",
        "or",
        "nor",
        "for",
        "so",
        "yet",
        "of",
        "in",
        "on",
        "at",
        "to",
        "by",
        "up",
        "as",
        "is",
        "it",
        "if",
        "from",
        "with",
        "into",
        "than",
        "over",
        "off",
        "via",
        "vs",
    ]
)


@dataclass(frozen=True)
class QuoteSpan:
    """Inner offsets of a quotation (after the opening mark, before the closing one)."""

    start: int
    end: int
    marks: str  # "double" or "guillemet"
    short: bool = False  # under the scare-quote length: speech only if a cue follows it


def _opens(text: str, i: int) -> bool | None:
    """A straight quote's direction from its neighbours, None when they do not tell."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if (before.isspace() or before in "([{—–-") and not after.isspace():
        return True
    if (after.isspace() or after in ".,;:!?)]}—–-") and not before.isspace():
        return False
    return None


def _misused_as_closing(text: str, i: int, open_kind: str, kind: str) -> bool:
    """An opening mark typed where the closing one belongs ("… Trump Wins“ that"): it ends a
    word and is followed by a space or punctuation."""
    after = text[i + 1] if i + 1 < len(text) else " "
    return (
        kind == open_kind
        and i > 0
        and not text[i - 1].isspace()
        and (after.isspace() or after in ".,;:!?)")
    )


def _next_visible(text: str) -> list[int]:
    """``[i]`` is the first offset at or after ``i`` that is not a space (one backward pass)."""
    out = [len(text)] * (len(text) + 1)
    for i in range(len(text) - 1, -1, -1):
        out[i] = out[i + 1] if text[i].isspace() else i
    return out


def quoted_spans(text: str, continue_paragraphs: bool = True) -> list[QuoteSpan]:
    """Every quotation long enough to be speech, in text order, none inside another."""
    visible = _next_visible(text)
    found: list[QuoteSpan] = []
    open_at = -1  # inner start of the open double quote, -1 when none
    open_kind = ""
    reopening = -1  # offset of the mark that reopens a quote carried into a new paragraph
    for i, c in enumerate(text):
        if c == "\n":
            if open_at >= 0 and reopening < i:
                nxt = visible[i]
                if (
                    continue_paragraphs
                    and nxt < len(text)
                    and (text[nxt] == _STRAIGHT or _OPEN.get(text[nxt]) == open_kind)
                ):
                    reopening = nxt
                else:
                    open_at = -1
            continue
        if i == reopening:
            continue
        kind = _OPEN.get(c)
        closing = _CLOSE.get(c)
        if c == _STRAIGHT:
            direction = _opens(text, i)
            if direction is None:
                direction = open_at < 0
            if direction:  # a second opening means the first one was never closed
                open_at, open_kind = i + 1, "double"
            elif open_at >= 0:
                found.append(QuoteSpan(open_at, i, open_kind))
                open_at = -1
        elif kind is not None and open_at >= 0 and _misused_as_closing(text, i, open_kind, kind):
            found.append(QuoteSpan(open_at, i, open_kind))
            open_at = -1
        elif kind is not None:
            open_at, open_kind = i + 1, kind
        elif closing is not None and open_at >= 0:
            found.append(QuoteSpan(open_at, i, open_kind))
            open_at = -1
    spans = []
    for q in found:
        inner = text[q.start : q.end]
        if len(inner.split()) >= _FEWEST_WORDS:
            spans.append(q)
        elif inner.rstrip()[-1:] in (",", "!", "?"):
            # "“They're worried,” Carson said": the punctuation of a sentence cut by its cue.
            spans.append(QuoteSpan(q.start, q.end, q.marks, short=True))
    return spans


def is_title(quoted: str) -> bool:
    """“Meet the Press”, “Parks and Recreation”: every word capitalised but the small ones, and
    short: the name of a work or a show, not speech."""
    words = [w.strip(".,;:!?“”\"‘’'()") for w in quoted.split()]
    words = [w for w in words if w]
    if not words or len(words) > _LONGEST_TITLE:
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in _SMALL_WORDS for w in words)
