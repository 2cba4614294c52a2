"""Merge NER mentions into canonical entities: one entry per thing the article talks about.

Short forms ("Putin", "Xi") are folded into the unique longer name that contains them, so counts
and salience describe the person, not the string. The canonical name is the longest form used.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from services.extraction.sentences import SentenceIndex
from shared import slugs
from shared.models import Entity, Mention
from shared.models.extraction import ENTITY_TYPES

# OntoNotes type -> CoNLL-2003 type (eval/README.md); others have no CoNLL counterpart.
COARSE: dict[str, str] = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}
# Rule groups ``build_entities(..., disabled)`` can switch off (docs/extraction.md, Ablation).
PERSON_VOTE = "ner.person_vote"
THE_IN_NAME = "ner.the_in_name"
# Types whose short forms may stand for a longer name of the same type.
_SHORT_FORM_TYPES = frozenset({"PERSON", "ORG", "EVENT", "FAC", "WORK_OF_ART", "LAW"})

_LEADING = re.compile(r"^(?:(?:the|The|THE)\s+|[\s\"'“”‘’«»(\[])+")
_LEADING_LOWER = re.compile(r"^(?:the\s+|[\s\"'“”‘’«»(\[])+")
# Trailing quotes, brackets, punctuation and possessives ("'s"), read from the end in
# ``_tail_start``: a regex ending in ``(...)+$`` with overlapping alternatives backtracked
# exponentially on a run of apostrophes, and rescanned from every position even when fixed.
_TRAILING_MARKS = frozenset("\"'“”‘’«»)],.;:!?")
_APOSTROPHES = frozenset("'’")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Span:
    """One NER hit in Document.text coordinates."""

    start: int
    end: int
    label: str


@dataclass
class _Cluster:
    """Mentions of one thing. Its name, words, type and first offset are read many times while
    short forms are merged, so each is computed once and forgotten when mentions are absorbed:
    recomputing them over every mention on each read made the merge quadratic in the text."""

    tagged: list[tuple[Mention, str]] = field(default_factory=list)

    def absorb(self, tagged: list[tuple[Mention, str]]) -> None:
        self.tagged.extend(tagged)
        for attribute in ("first", "label", "name", "words"):
            self.__dict__.pop(attribute, None)

    @property
    def mentions(self) -> list[Mention]:
        return [m for m, _ in self.tagged]

    @cached_property
    def first(self) -> int:
        return min(m.start for m, _ in self.tagged)

    @cached_property
    def label(self) -> str:
        """Majority type; a tie goes to the type of the earliest mention."""
        votes = Counter(label for _, label in self.tagged)
        best = max(votes.values())
        return next(
            lab for _, lab in sorted(self.tagged, key=lambda t: t[0].start) if votes[lab] == best
        )

    @cached_property
    def name(self) -> str:
        """The longest form used; an all-caps form ("TORONTO" of a dateline) only when the text
        has no other."""
        forms = Counter(_squash(m.text) for m, _ in self.tagged)
        pool = [f for f in forms if not _shouted(f)] or list(forms)
        return max(pool, key=lambda f: (len(f), forms[f]))

    @cached_property
    def words(self) -> list[str]:
        return slugs.slug_words(self.name)


def slug(name: str) -> str:
    """The stable half of Entity.id (shared/slugs.py); mentions always hold a word character, so
    the placeholder is a guard, not a key two names share."""
    return slugs.slug(name) or "x"


def _shouted(form: str) -> bool:
    """All capitals and longer than an acronym usually is ("TORONTO", not "US" or "NATO")."""
    return form.isupper() and len("".join(_WORD.findall(form))) > 4


def _squash(text: str) -> str:
    return " ".join(text.split())


def _tail_start(span: str, floor: int) -> int:
    """Where the trailing marks and possessives of ``span`` begin (not before ``floor``): one
    backward pass, so linear whatever the marks."""
    cut = len(span)
    while cut > floor:
        char = span[cut - 1]
        if char.isspace() or char in _TRAILING_MARKS:
            cut -= 1
        elif char == "s" and cut - 2 >= floor and span[cut - 2] in _APOSTROPHES:
            cut -= 2
        else:
            break
    return cut


def trim(text: str, start: int, end: int, the_in_name: bool = False) -> tuple[int, int]:
    """Drop a leading article, quotes and a possessive so "the Kremlin's" counts as "Kremlin".
    With ``the_in_name`` a capitalised "The" stays: the model put it in the name ("The Hague")."""
    span = text[start:end]
    lead = (_LEADING_LOWER if the_in_name else _LEADING).match(span)
    cut_start = lead.end() if lead else 0
    cut_end = _tail_start(span, cut_start)
    if cut_end <= cut_start:
        return start, end
    return start + cut_start, start + cut_end


def build_entities(
    spans: list[Span],
    text: str,
    sentences: SentenceIndex,
    canonical: Callable[[str], str | None] | None = None,
    disabled: frozenset[str] = frozenset(),
) -> list[Entity]:
    """Entities from NER spans. ``canonical`` gives the usual spelling of a name known only in
    capitals ("TORONTO" -> "Toronto", from the gazetteer). ``disabled`` names rule groups off."""
    clusters: dict[tuple[str, str], _Cluster] = {}
    seen: set[tuple[int, int]] = set()
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.label not in ENTITY_TYPES:
            continue
        start, end = trim(text, span.start, span.end, THE_IN_NAME not in disabled)
        if (start, end) in seen or not _WORD.search(text[start:end]):
            continue
        seen.add((start, end))
        mention = Mention(start=start, end=end, text=text[start:end], sentence=sentences.of(start))
        # One entity per name and coarse type: a town and its club, a person and a company
        # sharing a name are different things (measured: one entity per name cost F1).
        key = (slug(mention.text), COARSE.get(span.label, span.label))
        clusters.setdefault(key, _Cluster()).tagged.append((mention, span.label))
    if PERSON_VOTE not in disabled:
        clusters = _person_majority(clusters)
    merged = _merge_short_forms(list(clusters.values()))
    return _rank(merged, len(text), canonical)


def _person_majority(clusters: dict[tuple[str, str], _Cluster]) -> dict[tuple[str, str], _Cluster]:
    """A name read as a person more often than as anything else is that person throughout: the
    models' other readings of a surname are context slips ("Smith" as an ORG in a score line)."""
    out = dict(clusters)
    for (name, kind), cluster in clusters.items():
        person = clusters.get((name, "PER"))
        if kind != "PER" and person is not None and len(person.tagged) > len(cluster.tagged):
            person.absorb(cluster.tagged)
            del out[(name, kind)]
    return out


def _contains(longer: list[str], shorter: list[str]) -> bool:
    n = len(shorter)
    return n < len(longer) and any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def _merge_short_forms(clusters: list[_Cluster]) -> list[_Cluster]:
    """Fold each short name into the one longer name of its type that contains it, if unique."""
    order = {id(c): i for i, c in enumerate(clusters)}
    alive = set(order)
    # Clusters by the words of their names: a longer name containing a short one holds its first
    # word, so only those are compared (comparing every pair was quadratic in the names).
    holders: defaultdict[str, list[_Cluster]] = defaultdict(list)
    for c in clusters:
        for word in set(c.words):
            holders[word].append(c)
    for short in sorted(clusters, key=lambda c: len(c.words)):
        label, words = short.label, short.words
        if label not in _SHORT_FORM_TYPES:
            continue
        # A name with no ASCII word is contained in every longer name.
        pool = holders[words[0]] if words else clusters
        candidates = sorted(
            {
                id(c): c
                for c in pool
                if id(c) in alive
                and c is not short
                and c.label == label
                and _contains(c.words, words)
            }.values(),
            key=lambda c: order[id(c)],
        )
        if not candidates:
            continue
        if len(candidates) > 1:
            # Several people share the surname: the name introduced last before it wins.
            before = [c for c in candidates if c.first < short.first]
            if len({slug(c.name) for c in before}) != 1 and len(before) != 1:
                before = sorted(before, key=lambda c: c.first)[-1:]
            candidates = before
        if candidates:
            host = candidates[0]
            host.absorb(short.tagged)
            alive.discard(id(short))
            for word in set(host.words):  # its name may change ("JOHN SMITH" + "Smith")
                holders[word].append(host)
    return [c for c in clusters if id(c) in alive]


def _rank(
    clusters: list[_Cluster],
    text_length: int,
    canonical: Callable[[str], str | None] | None = None,
) -> list[Entity]:
    """Salience: how often (relative to the most mentioned) and how early an entity appears."""
    if not clusters:
        return []
    top = max(len(c.mentions) for c in clusters)
    entities = []
    for c in clusters:
        mentions = sorted(c.mentions, key=lambda m: m.start)
        label = c.label
        name = c.name
        if _shouted(name) and canonical is not None:
            name = canonical(name) or name
        # Position term: 1 at the start of the text, 0 at its end; frequency weighs more.
        position = 1.0 - mentions[0].start / max(text_length, 1)
        salience = 0.65 * len(mentions) / top + 0.35 * position
        entities.append(
            Entity(
                id=f"{label}:{slug(name)}",
                name=name,
                type=label,
                count=len(mentions),
                first_offset=mentions[0].start,
                salience=round(min(max(salience, 0.0), 1.0), 4),
                mentions=mentions,
            )
        )
    entities.sort(key=lambda e: (-e.salience, e.first_offset))
    return entities
