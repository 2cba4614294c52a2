"""Paragraph boundaries from line structure.

HTML extraction yields one paragraph per line. Plain text is messier: paragraphs may be separated
by blank lines or by single newlines, and e-mail style text is hard-wrapped at ~72 columns. A block
(lines between blank lines) is treated as hard-wrapped only when its lines are short *and* most of
them stop mid-sentence; one-sentence-per-line paragraphs therefore stay separate.
"""

import re

from services.ingest.text import squash_spaces

_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_LIST_MARKER = re.compile(r"^(?:[-*•●▪◦‣–—]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s")
_ENDS_SENTENCE = re.compile(r"[.!?…:;][\"'”’»)\]]*$")

WRAP_MAX_LINE = 100  # hard-wrapped text rarely exceeds this width
WRAP_SHORT_RATIO = 0.6  # a line shorter than this share of the block's width ends a paragraph


def is_list_item(line: str) -> bool:
    return _LIST_MARKER.match(line) is not None


def _is_wrapped(lines: list[str]) -> bool:
    if len(lines) < 2 or max(map(len, lines)) > WRAP_MAX_LINE:
        return False
    inner = lines[:-1]
    open_ended = sum(1 for line in inner if not _ENDS_SENTENCE.search(line))
    return open_ended * 2 > len(inner)


def _unwrap(lines: list[str]) -> list[str]:
    width = max(map(len, lines))
    paragraphs: list[str] = []
    current: list[str] = []
    for i, line in enumerate(lines):
        current.append(line)
        last = i == len(lines) - 1
        if last or len(line) < WRAP_SHORT_RATIO * width or is_list_item(lines[i + 1]):
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs


def split_blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks, each a list of non-empty, space-squashed lines."""
    blocks = []
    for raw in _BLANK_LINES.split(text):
        lines = [squash_spaces(line) for line in raw.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            blocks.append(lines)
    return blocks


def paragraphs_from_blocks(blocks: list[list[str]]) -> list[str]:
    """Plain text: unwrap hard-wrapped blocks, otherwise one paragraph per line."""
    paragraphs: list[str] = []
    for lines in blocks:
        paragraphs.extend(_unwrap(lines) if _is_wrapped(lines) else lines)
    return paragraphs


def paragraphs_from_lines(text: str) -> list[str]:
    """Extracted HTML: every non-empty line is a paragraph."""
    return [p for p in (squash_spaces(line) for line in text.split("\n")) if p]
