"""Corrections to the combined NER spans, applied before entities are built. Each rule is general
(no lists of names), is a rule group ``extract(..., disabled)`` can switch off, and was measured
on CoNLL-2003 eng.testa and on the slice of eng.train the model was not trained on
(docs/extraction.md, Ablation).

1. **Lower-case names are not names** (``ner.lowercase``). A name-typed span without a capital
   letter ("the city's senate") is a common noun the CoNLL model, trained on capitalised text,
   over-read. Names in news are written with a capital; the rare exception ("eBay") has one.
2. **Sentence-initial common words** (``ner.common_words``). A one-word name that appears once,
   as the first word of its sentence (or right after an all-caps dateline), is dropped when the
   same word also occurs lower-case in the text (the article itself uses it as a common word)
   and either the tagger calls this occurrence a common noun (NN/NNS) or the two NER models
   disagree on its coarse type. A capital at the start of a sentence says nothing; the lower-case
   twin is required because the tagger alone calls rare surnames at a sentence start NN. A known
   place is never dropped.
3. **Known places typed as something else** (``ner.places``). A name typed PERSON, NORP, PRODUCT
   or ORG that is exactly a place in the gazetteer becomes a place (GPE for countries and cities,
   LOC for regions, seas, rivers and districts) when the article supports it. Every
   PERSON/NORP/PRODUCT mention of the name must read as a place: the small model types it
   GPE/LOC, it follows a place preposition ("plantations of <town>", "along the <river>"), it
   sits in a list with another place ("<town> and <town>"), or it is a NORP named like a town or
   country — a people is named by its demonym, never by the bare place name; a region's name is
   also its adjective ("Arctic island"), so a NORP is never made a region. "Every mention" keeps
   "President Clinton's aides" a person although Clinton is also a town. An ORG mention is judged
   alone and more strictly, because clubs and companies are named after towns ("Essex and Kent",
   "homered for Cleveland"): a locative preposition ("in", "near", "along" ...), or another place
   preposition with "the" and a common noun after the name ("at the <place> gauge"); no lists,
   no small-model vote. For a region, river or district (LOC), rarely a club's name, any place
   context counts. All-caps mentions (headlines, sports tables) give no evidence. A multi-word
   PERSON is never retyped ("Paris Hilton"), nor a word that begins or ends one ("Jordan" when
   "Michael Jordan" is in the text); CoNLL LOC spans keep their type.
"""

import re
from collections import defaultdict

from spacy.tokens import Doc
from spacy.tokens import Span as TokenSpan

from services.extraction.entities import (
    COARSE,
    PERSON_VOTE,
    THE_IN_NAME,
    Span,
    slug,
    trim,
)
from services.extraction.ner import PlaceType, combine

# Rule groups, in the order of the module docstring, that ``refine(..., disabled)`` can skip.
LOWERCASE = "ner.lowercase"
COMMON_WORDS = "ner.common_words"
PLACES = "ner.places"
GROUPS = (LOWERCASE, COMMON_WORDS, PLACES)
# Every NER rule group whose effect CoNLL scoring can see (the eval's ablation switches each off).
NER_GROUPS = (*GROUPS, PERSON_VOTE, THE_IN_NAME)

_PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
_RETYPABLE = frozenset({"PERSON", "NORP", "PRODUCT", "ORG"})
_PLACE_PREPOSITIONS = frozenset(
    {"in", "of", "from", "at", "near", "to", "along", "across", "around", "outside", "into"}
)
_LOCATIVE = frozenset({"in", "near", "along", "across", "around", "outside", "into"})
_LIST_WORDS = frozenset({",", "and", "or"})
_DATELINE = re.compile(r"^[A-Z][A-Z .,'/-]*[—–-]$")
_COMMON_TAGS = frozenset({"NN", "NNS"})


def corrected(
    doc: Doc,
    conll: list[Span] | None,
    small: list[Span],
    place_type: PlaceType,
    sentence_starts: list[int],
    disabled: frozenset[str] = frozenset(),
) -> list[Span]:
    """Both models' spans combined (the small model's alone without the CoNLL model), then
    refined: the NER output extraction builds entities from."""
    spans = small if conll is None else combine(doc.text, conll, small, place_type, disabled)
    return refine(doc, spans, small, place_type, sentence_starts, disabled)


def refine(
    doc: Doc,
    spans: list[Span],
    small: list[Span],
    place_type: PlaceType,
    sentence_starts: list[int],
    disabled: frozenset[str] = frozenset(),
) -> list[Span]:
    """The rules of the module docstring, in order, but those ``disabled`` names (GROUPS);
    spans of non-name types pass through."""
    text = doc.text
    if LOWERCASE not in disabled:
        spans = [s for s in spans if s.label not in COARSE or _has_capital(text, s)]
    if COMMON_WORDS not in disabled:
        spans = _drop_common_words(doc, spans, small, place_type, sentence_starts)
    if PLACES not in disabled:
        spans = _retype_places(doc, spans, small, place_type)
    return sorted(spans, key=lambda s: (s.start, s.end))


def _surface(text: str, span: Span) -> str:
    start, end = trim(text, span.start, span.end)
    return text[start:end]


def _has_capital(text: str, span: Span) -> bool:
    return any(c.isupper() for c in text[span.start : span.end])


def _tokens(doc: Doc, text: str, span: Span) -> TokenSpan | None:
    """``text`` is ``doc.text``, passed in: spaCy builds that by joining every token."""
    start, end = trim(text, span.start, span.end)
    return doc.char_span(start, end, alignment_mode="expand")


def _groups(text: str, spans: list[Span]) -> dict[str, list[Span]]:
    groups: dict[str, list[Span]] = defaultdict(list)
    for s in spans:
        if s.label in COARSE:
            groups[slug(_surface(text, s))].append(s)
    return groups


def _small_labels(small: list[Span], span: Span) -> set[str]:
    return {s.label for s in small if s.start < span.end and span.start < s.end}


def _sentence_initial(text: str, start: int, sentence_starts: list[int]) -> bool:
    first = max((s for s in sentence_starts if s <= start), default=0)
    before = text[first:start].strip()
    return not before or bool(_DATELINE.match(before))


def _drop_common_words(
    doc: Doc,
    spans: list[Span],
    small: list[Span],
    place_type: PlaceType,
    sentence_starts: list[int],
) -> list[Span]:
    text = doc.text
    dropped: set[Span] = set()
    for group in _groups(text, spans).values():
        if len(group) != 1:
            continue
        span = group[0]
        tokens = _tokens(doc, text, span)
        if tokens is None or len(tokens) != 1 or not tokens[0].text[:1].isupper():
            continue
        token = tokens[0]
        if place_type(token.text) or not _sentence_initial(text, token.idx, sentence_starts):
            continue
        lower = token.text.lower()
        disagree = all(COARSE.get(lab) != COARSE[span.label] for lab in _small_labels(small, span))
        twin = re.search(rf"(?<!\w){re.escape(lower)}(?!\w)", text) is not None
        if twin and (token.tag_ in _COMMON_TAGS or disagree):
            dropped.add(span)
    return [s for s in spans if s not in dropped]


def _place_context(
    doc: Doc, tokens: TokenSpan, places: set[int], place_ends: set[int], strict: bool
) -> bool:
    """A place preposition before the name, or another place next to it in a list. ``strict``
    (for an ORG: a club or a company is named after its town, "Essex and Kent", "for Seattle")
    takes only the prepositions of location proper, or any place preposition with "the" and a
    common noun after the name ("at the <place> gauge"), and no lists."""
    i = tokens.start - 1
    the = i >= 0 and doc[i].lower_ == "the"
    if the:
        i -= 1
    if i >= 0 and doc[i].lower_ in _PLACE_PREPOSITIONS:
        if not strict or doc[i].lower_ in _LOCATIVE:
            return True
        after = doc[tokens.end] if tokens.end < len(doc) else None
        return the and after is not None and after.tag_ in _COMMON_TAGS and after.is_lower
    if strict:
        return False
    if i >= 1 and doc[i].lower_ in _LIST_WORDS and doc[i - 1].idx + len(doc[i - 1]) in place_ends:
        return True
    j = tokens.end
    if j + 1 < len(doc) and doc[j].lower_ in _LIST_WORDS:
        k = j + 1 if doc[j + 1].lower_ != "the" else j + 2
        return k < len(doc) and doc[k].idx in places
    return False


def _evidence(
    doc: Doc,
    text: str,
    span: Span,
    small: list[Span],
    kind: str,
    places: set[int],
    place_ends: set[int],
) -> bool:
    """Whether this mention reads as the place ``kind`` (GPE/LOC) the gazetteer says it is."""
    tokens = _tokens(doc, text, span)
    if tokens is None:
        return False
    if tokens.text.isupper():  # headlines and sports tables: "ESSEX AND KENT", "SEATTLE 70 64"
        return False
    if span.label == "NORP" and kind != "GPE":
        return False  # a region's name is also its adjective: "Arctic island", "Mediterranean"
    if span.label == "ORG":
        return _place_context(doc, tokens, places, place_ends, strict=kind == "GPE")
    if span.label == "NORP" and kind == "GPE":
        return True  # a people is named by its demonym, not by the bare name of a town
    if _small_labels(small, span) & {"GPE", "LOC"}:
        return True
    return _place_context(doc, tokens, places, place_ends, strict=False)


def _retype_places(
    doc: Doc, spans: list[Span], small: list[Span], place_type: PlaceType
) -> list[Span]:
    text = doc.text
    place_spans = [s for s in spans if s.label in _PLACE_TYPES]
    starts = {trim(text, s.start, s.end)[0] for s in place_spans}
    ends = {trim(text, s.start, s.end)[1] for s in place_spans}
    person_ends: set[str] = set()
    for s in spans:
        words = _surface(text, s).split()
        if s.label == "PERSON" and len(words) > 1:
            person_ends |= {slug(words[0]), slug(words[-1])}
    retyped: dict[Span, str] = {}
    for key, group in _groups(text, spans).items():
        candidates = [s for s in group if s.label in _RETYPABLE]
        if not candidates or key in person_ends:
            continue
        if any(s.label == "PERSON" and len(_surface(text, s).split()) > 1 for s in group):
            continue
        kinds = {place_type(_surface(text, s)) for s in group}
        kind = kinds.pop() if len(kinds) == 1 else None
        if kind is None:
            continue
        # Every mention must read as a place: "Clinton" is a town too, but not in "President
        # Clinton's aides"; an ORG mention is judged alone (a town and its club share a name).
        people = [s for s in candidates if s.label != "ORG"]
        if people and all(_evidence(doc, text, s, small, kind, starts, ends) for s in people):
            retyped.update({s: kind for s in people})
        for s in candidates:
            if s.label == "ORG" and _evidence(doc, text, s, small, kind, starts, ends):
                retyped[s] = kind
    return [Span(s.start, s.end, retyped[s]) if s in retyped else s for s in spans]
