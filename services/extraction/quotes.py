"""Quoted speech and who said it, read from the cues around each quote.

Attribution looks for a speech verb next to the quote in its sentence ("…”, said Putin",
"X, specifying that “…”", "according to X, “…”"). A pronoun or a common noun in the speaker's
place ("he said", "reads a note", "the ministry said") is resolved to the previous quote's speaker
when the kind fits, else to the nearest entity before it of that kind, so a note "read" after a
ministry's statement is the ministry's.
"""

import re
from dataclasses import dataclass

from services.extraction.sentences import SentenceIndex
from shared.models import Entity, Quote

_PAIRS = [("“", "”", 3), ("«", "»", 3), ("‘", "’", 4)]  # open, close, fewest words
_STRAIGHT = re.compile(r'"([^"\n]+)"')
_SPEECH = (
    r"(?:said|says|say|saying|told|tells|added|adds|stated|states|declared|announced|reported|"
    r"specified|specifying|noted|notes|stressed|warned|explained|insisted|claimed|wrote|writes|"
    r"reads|read|replied|argued|commented|underlined|emphasi[sz]ed|affirmed|confirmed|urged|"
    r"asked|quoted|according to|tweeted|posted|continued|concluded|acknowledged|admitted)"
)
_CUE = re.compile(rf"\b{_SPEECH}\b", re.I)
_PERSON_WORDS = re.compile(
    r"\b(?:he|she|him|her|spokes(?:man|woman|person)|minister|president|"
    r"official|leader|chief|director|secretary|ambassador)\b",
    re.I,
)
_ORG_WORDS = re.compile(
    r"\b(?:it|they|note|statement|communiqu[eé]|ministry|department|"
    r"government|agency|office|spokes(?:man|woman|person)|report|press "
    r"release|embassy|company|party|army|military|police|kremlin)\b",
    re.I,
)
_SPEAKER_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_BEFORE_WINDOW = 100  # a cue further before the quote usually introduces something else
_AFTER_WINDOW = 40


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    entity: Entity


def find_quotes(text: str, sentences: SentenceIndex, entities: list[Entity]) -> list[Quote]:
    mentions = sorted(
        (
            _Mention(m.start, m.end, e)
            for e in entities
            if e.type in _SPEAKER_TYPES
            for m in e.mentions
        ),
        key=lambda m: m.start,
    )
    quotes: list[Quote] = []
    previous: Entity | None = None
    for start, end in _quoted_spans(text):
        speaker = _attribute(text, start, end, sentences.bounds(start), mentions, previous)
        if speaker is not None:
            previous = speaker
        quotes.append(
            Quote(
                text=text[start:end],
                start=start,
                end=end,
                sentence=sentences.of(start),
                speaker=speaker.name if speaker else None,
                speaker_entity=speaker.id if speaker else None,
            )
        )
    return quotes


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    """Inner (start, end) of each quotation long enough to be speech rather than a scare quote."""
    found: list[tuple[int, int, int]] = []
    for opening, closing, fewest in _PAIRS:
        # ’ doubles as an apostrophe: a closing mark must not sit inside a word.
        close = rf"{closing}(?!\w)" if closing == "’" else closing
        for m in re.finditer(rf"{opening}(.+?){close}", text, re.S):
            found.append((m.start(1), m.end(1), fewest))
    found += [(m.start(1), m.end(1), 3) for m in _STRAIGHT.finditer(text)]
    spans = sorted((s, e) for s, e, fewest in found if len(text[s:e].split()) >= fewest)
    out: list[tuple[int, int]] = []
    for span in spans:  # a quote inside a quote belongs to the outer one
        if not out or span[0] >= out[-1][1]:
            out.append(span)
    return out


def _attribute(
    text: str,
    start: int,
    end: int,
    sentence: tuple[int, int],
    mentions: list[_Mention],
    previous: Entity | None,
) -> Entity | None:
    s_start, s_end = sentence
    s_end = max(s_end, end + 1)
    after = text[end + 1 : min(s_end, end + 1 + _AFTER_WINDOW)]
    cue = _CUE.search(after)
    if cue:
        zone = (end + 1, min(s_end, end + 1 + cue.end() + 60))
        # "…”, said Putin" / "…”, Putin said": the nearest entity around the cue.
        near = [m for m in mentions if zone[0] <= m.start < zone[1]]
        if near:
            cue_at = end + 1 + cue.start()
            return min(near, key=lambda m: abs(m.start - cue_at)).entity
        return _resolve(text[end + 1 : zone[1]], start, mentions, previous)
    before_from = max(s_start, start - 1 - _BEFORE_WINDOW)
    before = text[before_from : start - 1]
    cues = list(_CUE.finditer(before))
    if cues:
        cue = cues[-1]
        cue_at = before_from + cue.start()
        if cue.group().lower() == "according to":
            near = [m for m in mentions if cue_at < m.start < start]
            return near[0].entity if near else None
        # "X said: “…”" / "reported by X, specifying that “…”": the entity just before the cue.
        near = [m for m in mentions if s_start <= m.start and m.end <= cue_at]
        if near:
            return near[-1].entity
        return _resolve(text[s_start:cue_at], start, mentions, previous)
    return None


def _resolve(
    phrase: str, before: int, mentions: list[_Mention], previous: Entity | None
) -> Entity | None:
    """A pronoun or a common noun standing for the speaker: the last fitting speaker or entity."""
    if _ORG_WORDS.search(phrase):
        kinds = {"ORG", "GPE"}
    elif _PERSON_WORDS.search(phrase):
        kinds = {"PERSON"}
    else:
        return None
    if previous is not None and previous.type in kinds:
        return previous
    earlier = [m for m in mentions if m.end <= before and m.entity.type in kinds]
    return earlier[-1].entity if earlier else None
