"""From the words naming a speaker ("Obama", "he", "the senator") to a canonical entity.

Names: the PERSON or ORG mention inside the words (the last one: "Clinton spokesman Brian Fallon"
is Fallon). A place speaks only as its government, when the words are the place's name alone
("Russia said"); a nationality never speaks ("Turkish officials" are unnamed officials).
Pronouns and nominals ("he", "the spokeswoman", "the campaign") stand for the last speaker of
their kind (person / institution) unless another entity of that kind was named since its quote;
else the last entity of that kind named before. "he"/"she" skip a person last referred to by the
other pronoun ("Hillary Clinton … she" then "he" is not Clinton).
"""

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field

from shared.models import Entity

_PERSON_WORDS = re.compile(
    r"\b(?:he|she|him|her|spokes(?:man|woman|person)|minister|president|official|leader|chief|"
    r"director|secretary|ambassador|senator|governor|candidate|nominee|congress(?:man|woman)|"
    r"representative|mayor|lawmaker|chairman|chairwoman|aide|adviser|advisor|manager|"
    r"strategist|businessman|businesswoman|billionaire|author|analyst|professor|economist|"
    r"democrat|republican|host|anchor|reporter|lawyer|attorney|judge|speaker|former)\b",
    re.I,
)
_ORG_WORDS = re.compile(
    r"\b(?:it|they|note|statement|communiqu[eé]|ministry|department|government|agency|office|report|"
    r"release|embassy|company|party|army|military|police|campaign|committee|group|"
    r"organi[sz]ation|administration|newspaper|network|website|paper|firm|union)\b",
    re.I,
)
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
_SPEAKER_TYPES = ("PERSON", "ORG")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    entity: Entity


@dataclass
class SpeakerMemory:
    """What resolution needs to remember while reading the quotes in order."""

    mentions: list[Mention]
    previous: Entity | None = None
    previous_end: int = 0
    gender: dict[str, str] = field(default_factory=dict)  # entity id -> "m" / "f"

    def __post_init__(self) -> None:
        self._starts = [m.start for m in self.mentions]

    def inside(self, start: int, end: int) -> list[Mention]:
        i = bisect_left(self._starts, start)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            out.append(self.mentions[i])
            i += 1
        return out

    def widen(self, words: tuple[int, int]) -> tuple[int, int]:
        """The words grown to whole names: the parse stops a phrase at its head ("the Ministry"
        of "the Ministry of Defense of Beijing")."""
        start, end = words
        i = bisect_left(self._starts, start)
        if i > 0 and self.mentions[i - 1].end > start:
            start = self.mentions[i - 1].start
        for m in self.inside(start, end):
            if m.entity.type in _SPEAKER_TYPES:
                end = max(end, m.end)
        return start, end

    def before_reversed(self, offset: int) -> Iterator[Mention]:
        """Mentions starting before ``offset``, nearest first."""
        for i in range(bisect_left(self._starts, offset) - 1, -1, -1):
            yield self.mentions[i]

    def remember(self, speaker: Entity | None, words: str, end: int) -> None:
        if speaker is not None:
            gender = _PRONOUN_GENDER.get(words.lower())
            if gender and speaker.type == "PERSON":
                self.gender[speaker.id] = gender
            self.previous = speaker
        self.previous_end = end


def mentions_of(entities: list[Entity]) -> list[Mention]:
    return sorted(
        (Mention(m.start, m.end, e) for e in entities for m in e.mentions),
        key=lambda m: m.start,
    )


def resolve(
    text: str, words: tuple[int, int], memory: SpeakerMemory, resolve_references: bool = True
) -> Entity | None:
    """The entity ``text[words]`` names, or stands for."""
    start, end = words
    named = [m for m in memory.inside(start, end) if m.end <= end]
    for kind in _SPEAKER_TYPES:
        fitting = [m for m in named if m.entity.type == kind]
        if fitting:
            return fitting[-1].entity
    phrase = text[start:end]
    place = named[-1] if named and named[-1].entity.type == "GPE" else None
    if place is not None and not text[place.end : end].strip(" .,'’s"):  # the name alone
        return place.entity
    if not resolve_references:
        return None
    if _ORG_WORDS.search(phrase) and not re.search(r"\b(?:he|she)\b", phrase, re.I):
        kinds: tuple[str, ...] = ("ORG", "GPE")
    elif _PERSON_WORDS.search(phrase):
        kinds = ("PERSON",)
    else:
        return None
    gender = _PRONOUN_GENDER.get(phrase.lower().strip())
    previous = memory.previous
    # Read back from the words (never further than the last fitting name: linear overall).
    last: Mention | None = None
    named_since = False
    for m in memory.before_reversed(start):
        if _fits(m.entity, kinds, gender, memory):
            last = m
            break
    if last is not None and last.start > memory.previous_end and last.entity is not previous:
        named_since = True
    if previous is not None and _fits(previous, kinds, gender, memory) and not named_since:
        return previous
    return last.entity if last else None


def _fits(
    entity: Entity, kinds: tuple[str, ...], gender: str | None, memory: SpeakerMemory
) -> bool:
    if entity.type not in kinds:
        return False
    return gender is None or memory.gender.get(entity.id, gender) == gender
