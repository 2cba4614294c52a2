"""Quoted speech and who said it, read from the cues around each quote.

Attribution looks for a speech verb next to the quote in its sentence ("…”, said Putin",
"X, specifying that “…”", "according to X, “…”"). A pronoun or a common noun in the speaker's
place ("he said", "reads a note", "the ministry said") is resolved to the previous quote's speaker
when the kind fits, else to the nearest entity before it of that kind, so a note "read" after a
ministry's statement is the ministry's, unless another entity of that kind was named since.

Also: a quote spanning sentences takes its after-cue from the sentence it closes in; a name right
after a quote may carry an apposition before its verb ("…,” X, the senator …, told reporters");
an entity after the verb counts only when nothing but words separates them; a name followed by
one comma-delimited apposition before the verb is the speaker, not a name inside the apposition;
an unattributed quote opening its sentence right after an attributed one, in the same paragraph,
continues that speaker.
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
    previous_end = 0
    for start, end in _quoted_spans(text):
        # A quote may span sentences ("… midnight. Nurses …,” she told council): the cue before
        # it is in the sentence it opens in, the cue after it in the one it closes in.
        sentence = (sentences.bounds(start)[0], sentences.bounds(end)[1])
        speaker = _attribute(text, start, end, sentence, mentions, (previous, previous_end))
        if speaker is None and quotes and _continues(text, previous_end, start):
            speaker = previous if quotes[-1].speaker_entity is not None else None
        if speaker is not None:
            previous = speaker
        previous_end = end
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


def _continues(text: str, previous_end: int, start: int) -> bool:
    """A quote that opens its sentence right after an attributed one, in the same paragraph
    ("…,” said Grace Chebet, who farms near Kericho. “The price is good …”), is the same
    speaker going on: the writer names a speaker once per run of quotes."""
    between = text[previous_end + 1 : start - 1]
    return "\n" not in between and len(between) <= 200 and bool(re.search(r"[.!?]\s*$", between))


def _attribute(
    text: str,
    start: int,
    end: int,
    sentence: tuple[int, int],
    mentions: list[_Mention],
    last: tuple[Entity | None, int],
) -> Entity | None:
    s_start, s_end = sentence
    s_end = max(s_end, end + 1)
    after = text[end + 1 : min(s_end, end + 1 + _AFTER_WINDOW)]
    cue = _CUE.search(after)
    leading = [m for m in mentions if end + 1 <= m.start <= end + 4]
    if cue is None and leading and text[end - 1] not in ".!?":  # not "… now.” Okafor said"
        # "…,” Jens Albrecht, the senator responsible for the environment, told reporters": a
        # name right after the quote may carry an apposition before its speech verb.
        after = text[end + 1 : s_end]
        cue = _CUE.search(after)
        if cue is not None and "“" not in after[: cue.start()]:
            return leading[0].entity
        cue = None
    if cue:
        zone = (end + 1, min(s_end, end + 1 + cue.end() + 60))
        cue_end = end + 1 + cue.end()
        # "…”, said Putin" / "…”, Putin said": the nearest entity around the cue, before it or
        # right after it ("…”, he said, and warned that factories in Nyamira …" is not Nyamira's).
        near = [
            m
            for m in mentions
            if zone[0] <= m.start < zone[1]
            and (m.start < cue_end or not re.search(r"[,;:“”]", text[cue_end : m.start]))
        ]
        if near:
            cue_at = end + 1 + cue.start()
            return min(near, key=lambda m: abs(m.start - cue_at)).entity
        return _resolve(text[end + 1 : zone[1]], start, mentions, last)
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
        for m in near:
            # "Dr. Miriam Okafor, a coastal engineer at the Institute …, said": the speaker is the
            # name before the apposition, not the last name inside it.
            if re.fullmatch(r",[^,“”]+,\s*", text[m.end : cue_at]):
                return m.entity
        if near:
            return near[-1].entity
        return _resolve(text[s_start:cue_at], start, mentions, last)
    return None


def _resolve(
    phrase: str, before: int, mentions: list[_Mention], last: tuple[Entity | None, int]
) -> Entity | None:
    """A pronoun or a common noun standing for the speaker: the last fitting speaker, unless
    another entity of that kind was named since its quote, else the last fitting entity."""
    if _ORG_WORDS.search(phrase):
        kinds = {"ORG", "GPE"}
    elif _PERSON_WORDS.search(phrase):
        kinds = {"PERSON"}
    else:
        return None
    previous, previous_end = last
    earlier = [m for m in mentions if m.end <= before and m.entity.type in kinds]
    if previous is not None and previous.type in kinds:
        since = [m for m in earlier if m.start > previous_end and m.entity is not previous]
        if not since:
            return previous
    return earlier[-1].entity if earlier else None
