"""Headlines in plain text, and keeping a title out of the body.

Pasted articles usually start with their headline on a line of its own. Kept in the body it would
be "sentence 0" and a Lead-K summary would open with it, so a detected headline becomes the title
and leaves the text. The same holds for HTML, whose extracted text often repeats the ``<h1>``.
"""

import re

from services.ingest.paragraphs import is_list_item

HEADLINE_MAX_CHARS = 200
HEADLINE_MAX_WORDS = 30

_NOT_A_HEADLINE_END = re.compile(r"[.,;:…][\"'”’»)\]]*$")
_BYLINE = re.compile(r"(?:by|posted|updated|published)\b", re.IGNORECASE)
_COMPARABLE = re.compile(r"[\W_]+")


def looks_like_headline(blocks: list[list[str]]) -> bool:
    """A lone first line (a blank line follows), short, not ending like a sentence, text after.

    Bylines ("By Jane Doe") and date lines ("August 17, 2022": mostly not letters) are not
    headlines, though they also sit alone at the top of pasted articles.
    """
    if len(blocks) < 2 or len(blocks[0]) != 1:
        return False
    line = blocks[0][0]
    letters = sum(1 for c in line if c.isalpha())
    return (
        len(line) <= HEADLINE_MAX_CHARS
        and 2 <= len(line.split()) <= HEADLINE_MAX_WORDS
        and letters * 3 >= len(line) * 2
        and not _NOT_A_HEADLINE_END.search(line)
        and not line[0].islower()
        and not is_list_item(line)
        and not _BYLINE.match(line)
    )


def same_text(a: str, b: str) -> bool:
    """Equal up to case, punctuation and spacing: how a repeated headline differs, if at all."""
    return _COMPARABLE.sub(" ", a).strip().casefold() == _COMPARABLE.sub(" ", b).strip().casefold()


def drop_repeated_title(title: str | None, paragraphs: list[str]) -> list[str]:
    """The body without a first paragraph that only repeats the title."""
    if title and paragraphs and same_text(title, paragraphs[0]):
        return paragraphs[1:]
    return paragraphs
