"""Datelines and agency bylines: where a news sentence's own words start, and byline-only lines.

Wire and web copy opens with a place and an agency ("KATHMANDU, Nepal (CNN) -- ", "LONDON
(Reuters) - ", "WASHINGTON — ", "(AP) —") and web pages with a byline and timestamps ("By .
Daily Mail Reporter . PUBLISHED: 12:01 EST, 3 May 2014 . | UPDATED: ..."). None of it is news: in
a summary it costs words that no reader (nor any reference) wants. The patterns are the shapes
of these lines, not any outlet's strings: a dateline is a short capitalised place before an
agency in parentheses, or an all-capitals place before a spaced dash, always followed by the
capitalised start of the sentence proper.
"""

import re

_DASH = r"(?:-{1,2}|[–—])"
# An agency in parentheses: one to four capitalised words ("CNN", "Reuters", "EW.com").
_AGENCY = r"\([A-Z][\w.&'’]*(?:\s[A-Z][\w.&'’]*){0,3}\)"
_WORD = r"[A-Z][\w.'’-]*"
_CAPS_WORD = r"[A-Z][A-Z.'’-]+"
# A place: up to four capitalised words, then up to two ", Region" parts ("ST. LOUIS, Missouri").
_PLACE = rf"{_WORD}(?:\s{_WORD}){{0,3}}(?:,\s?{_WORD}(?:\s{_WORD}){{0,2}}){{0,2}}"
_CAPS_PLACE = rf"{_CAPS_WORD}(?:\s{_CAPS_WORD}){{0,3}}(?:,\s?{_WORD}(?:\s{_WORD}){{0,2}}){{0,2}}"
# What follows a dateline: the sentence proper, opening with a capital, a digit or a quote.
_SENTENCE_START = r"(?=[\"“‘'«]?[A-Z0-9])"
_DATELINE = re.compile(
    rf"(?:(?:{_PLACE}\s?)?{_AGENCY}\s*(?:{_DASH}\s*)?|{_CAPS_PLACE}\s{_DASH}\s+){_SENTENCE_START}"
)

# Bylines: "By", then only capitalised names and the glue between them ("By Jane Doe and John
# Smith", "By . Associated Press"), as a whole sentence.
_GLUE = r"(?:and|for|in|of|at|&)"
_NAME_PART = rf"(?:{_WORD}|{_GLUE})"
_BYLINE = re.compile(rf"By\b[\s.,]*(?:{_NAME_PART}[\s.,]*){{0,8}}")
_BARE_BY = re.compile(r"By[\s.:]*")
_NAME_LINE = re.compile(rf"{_WORD}[\s.,]*(?:{_NAME_PART}[\s.,]*){{0,7}}")

# Timestamp lines: labels, clock times, dates and time zones only ("PUBLISHED: 12:01 EST, 3 May
# 2014 . | UPDATED: .", "Last updated at 5:12 PM on 3rd May 2011").
_LABEL = r"(?:last|published|updated|posted|modified)"
_CLOCK = r"\d{1,2}[:.]\d{2}(?:[ap]m)?"
_STAMP_TOKEN = re.compile(
    rf"""{_LABEL}|{_CLOCK}|at|on|of|[ap]m|\d{{1,4}}(?:st|nd|rd|th)?
    |(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?
    |(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*
    |[a-z]{{1,2}}[sd]?t|utc""",
    re.VERBOSE,
)
_MARKS = ".,:;|()"


def dateline_end(sentence: str) -> int:
    """Characters of ``sentence`` taken by a leading dateline (0 when there is none)."""
    match = _DATELINE.match(sentence)
    return match.end() if match else 0


_KEY_TOKEN = re.compile(rf"{_LABEL}|{_CLOCK}")


def _is_timestamp(sentence: str) -> bool:
    """Every token a stamp token, one of them a label or a clock time; stops at the first other."""
    keyed = False
    for raw in sentence.split():
        token = raw.strip(_MARKS).lower()
        if not token:
            continue
        if not _STAMP_TOKEN.fullmatch(token):
            return False
        keyed = keyed or _KEY_TOKEN.fullmatch(token) is not None
    return keyed


def is_byline(sentence: str, after_bare_by: bool = False) -> bool:
    """A sentence that is only a byline or a timestamp, so never summary material.

    ``after_bare_by``: the sentence before was a lone "By", so a short run of capitalised names
    ("Daily Mail Reporter .") is the author it announces.
    """
    text = sentence.strip()
    if _BYLINE.fullmatch(text) or _is_timestamp(text):
        return True
    return after_bare_by and _NAME_LINE.fullmatch(text) is not None


def is_bare_by(sentence: str) -> bool:
    """A lone "By" (a byline whose name went to the next line)."""
    return _BARE_BY.fullmatch(sentence.strip()) is not None
