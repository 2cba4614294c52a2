"""Character-level repair: mojibake, stray entities, invisible characters and odd whitespace.

Everything here is linear in the text and keeps line structure (newlines) intact, so paragraph
splitting can still see where the author broke lines.
"""

import html
import re
import unicodedata
from functools import cache


def _cp1252_char(byte: int) -> str:
    """How a byte reads when UTF-8 is wrongly decoded as cp1252 (latin-1 for its 5 holes)."""
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


@cache
def _mojibake_pattern() -> re.Pattern[str]:
    cont = "".join(re.escape(_cp1252_char(b)) for b in range(0x80, 0xC0))
    lead2 = "".join(re.escape(_cp1252_char(b)) for b in range(0xC2, 0xE0))
    lead3 = "".join(re.escape(_cp1252_char(b)) for b in range(0xE0, 0xF0))
    lead4 = "".join(re.escape(_cp1252_char(b)) for b in range(0xF0, 0xF5))
    return re.compile(f"[{lead2}][{cont}]|[{lead3}][{cont}]{{2}}|[{lead4}][{cont}]{{3}}")


_REVERSE_CP1252 = {_cp1252_char(b): b for b in range(0x80, 0x100)}

# A repaired sequence must land where real text lives (Latin letters, punctuation, currency, ™,
# emoji); otherwise it was genuine text such as German "ß“", which happens to look like mojibake.
_PLAUSIBLE_RANGES = (
    (0x00A0, 0x024F),
    (0x0370, 0x052F),
    (0x2000, 0x206F),
    (0x20A0, 0x20CF),
    (0x2100, 0x214F),
    (0x1F300, 0x1FAFF),
)


def _plausible(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _PLAUSIBLE_RANGES)


def _unmojibake(match: re.Match[str]) -> str:
    seq = match.group()
    try:
        fixed = bytes(_REVERSE_CP1252.get(c, ord(c)) for c in seq).decode("utf-8")
    except (UnicodeDecodeError, ValueError):
        return seq
    return fixed if len(fixed) == 1 and _plausible(fixed) else seq


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252/latin-1 ("donâ€™t" → "don’t"), one sequence at a time.

    Per-sequence repair (rather than re-decoding the whole text) also fixes pages where only some
    strings were double-encoded, and cannot make a clean text worse.
    """
    return _mojibake_pattern().sub(_unmojibake, text)


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape_entities(text: str) -> str:
    """Decode ``&amp;``-style entities left in plain text by careless exports.

    Only complete ``&name;`` forms are touched: ``html.unescape`` alone would also turn the
    legacy forms without a semicolon ("rock&notes") into symbols.
    """
    return _ENTITY.sub(lambda m: html.unescape(m.group()), text)


_LINE_BREAKS = re.compile(r"\r\n?|[\v\f\x1c-\x1e\x85\u2028]")
_PARAGRAPH_BREAKS = re.compile("\u2029")
# Soft hyphen, zero-width space, word joiner, BOM and C0/C1 controls other than \t and \n.
# ZWJ/ZWNJ (U+200C/D) stay: they are meaningful in emoji and in Indic and Persian scripts.
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_SPACES = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


def repair_text(text: str, *, entities: bool = False) -> str:
    """Repair encoding damage and unify whitespace, keeping one ``\\n`` per line break.

    ``entities`` is for plain text only: text that came out of an HTML parser is already
    unescaped, and a second pass would corrupt articles that quote markup.
    """
    text = fix_mojibake(text)
    if entities and "&" in text:
        text = unescape_entities(text)
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _PARAGRAPH_BREAKS.sub("\n\n", text)
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text)


def squash_spaces(line: str) -> str:
    """One line, trimmed, with single spaces (after ``repair_text`` only spaces remain)."""
    return " ".join(line.split())
