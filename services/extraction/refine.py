"""Corrections to the combined NER spans, applied before entities are built. Each rule is general
(no lists of names) and was checked on CoNLL-2003 eng.testa: together they raise F1 there
(docs/extraction.md) and no per-type score goes down.

1. **Lower-case names are not names.** A name-typed span without a capital letter ("Hamburg's
   senate") is a common noun the CoNLL model, trained on capitalised text, over-read. Names in
   news are written with a capital; the rare exception ("eBay") still has one. (On eng.testa it
   costs one gold ORG, "interior ministry", and removes more false ones.)
2. **Numbered facilities.** A one-word span that is a kind of route or facility ("Line", "Route",
   "Terminal", "Platform" ...) followed directly by a number is the numbered thing itself: the
   span is widened to "Line 1" and typed FAC. The models tag the bare word inconsistently (ORG,
   PER, LOC for the three "Line"s of one article) because they never see the number as a name.
3. **Sentence-initial common words.** A one-word name that appears once, as the first word of its
   sentence (or right after an all-caps dateline, "TORONTO — Subway trains ..."), is dropped when
   the same word also occurs lower-case in the text (so the article itself uses it as a common
   word) and either the tagger calls this occurrence a common noun (NN/NNS: "Trains", "Work") or
   the two NER models disagree on its coarse type ("Subway": CoNLL LOC, small model ORG). A
   capital at the start of a sentence says nothing; the lower-case twin is required because the
   tagger alone calls rare surnames at a sentence start NN ("Estes", "Benes"). A known place is
   never dropped.
4. **Known places typed as something else.** A name typed PERSON, NORP, PRODUCT or ORG that is
   exactly a place in the gazetteer becomes a place (GPE for countries and cities, LOC for
   regions, seas, rivers and districts of data/places.tsv) when the article supports it. Every
   PERSON/NORP/PRODUCT mention of the name must read as a place: the small model types it
   GPE/LOC, it follows a place preposition ("plantations of Kericho", "along the Elbe", "to the
   Scarborough busway"), it sits in a list with another place ("Nyamira and Kisii"), or it is a
   NORP named like a town or country — a people is named by its demonym ("Kenyan"), never by the
   bare place name ("Mombasa"); a region's name is also its adjective ("Arctic island"), so a
   NORP is never made a region. "Every mention" keeps "President Clinton's aides" a person
   although Clinton is also a town. An ORG mention is judged alone and more strictly, because
   clubs and companies are named after towns ("Essex and Kent", "homered for Cleveland"): a
   locative preposition ("in", "near", "along" ...), or another place preposition with "the"
   and a common noun after the name ("at the St. Pauli gauge"); no lists, no small-model vote.
   For a river or district of data/places.tsv (LOC), rarely a club's name, any place context
   counts ("at Waltershof").
   All-caps mentions (headlines, sports tables) give no evidence. A multi-word PERSON is never
   retyped ("Paris Hilton"), nor a word that begins or ends one ("Jordan" when "Michael Jordan"
   is in the text); CoNLL LOC spans keep their type.
5. **"Institute ... in Cuxhaven".** An ORG span ending in "<institution word> in <place>"
   ("Institute", "Centre", "University" ...) is split into the ORG and the place when the small
   model ends its ORG before "in" and the gazetteer knows the place: where an institution sits is
   not part of its name unless both models say so (the head-word condition keeps names such as
   "Rally for ... Democracy in Rwanda" whole).
"""

import re
from collections import defaultdict

from spacy.tokens import Doc
from spacy.tokens import Span as TokenSpan

from services.extraction.entities import Span, slug, trim
from services.extraction.ner import COARSE, TERRITORY, TITLE_SPLIT, PlaceType, combine

# Rule groups, in the order of the module docstring, that ``refine(..., disabled)`` can skip.
LOWERCASE = "ner.lowercase"
NUMBERED = "ner.numbered"
LOCATED = "ner.located"
COMMON_WORDS = "ner.common_words"
PLACES = "ner.places"
GROUPS = (LOWERCASE, NUMBERED, LOCATED, COMMON_WORDS, PLACES)
# Every NER rule group whose effect CoNLL scoring can see (the eval's ablation switches each off).
NER_GROUPS = (TITLE_SPLIT, TERRITORY, *GROUPS)

_PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
_RETYPABLE = frozenset({"PERSON", "NORP", "PRODUCT", "ORG"})
_PLACE_PREPOSITIONS = frozenset(
    {"in", "of", "from", "at", "near", "to", "along", "across", "around", "outside", "into"}
)
_LOCATIVE = frozenset({"in", "near", "along", "across", "around", "outside", "into"})
_LIST_WORDS = frozenset({",", "and", "or"})
_NUMBERED = re.compile(
    r"^(?:Line|Route|Terminal|Platform|Runway|Highway|Interstate|Gate|Pier|Track|Exit)$"
)
_NUMBER = re.compile(r"^\d{1,4}[A-Z]?$")
_DATELINE = re.compile(r"^[A-Z][A-Z .,'/-]*[—–-]$")
_LOCATED = re.compile(
    r"(?:Institute|Institution|Centre|Center|University|College|School|Museum|Hospital|"
    r"Laboratory|Observatory|Office|Bureau|Research|Studies|Academy|Foundation|Library) in "
)
_PLACE_NAME = re.compile(r"((?:[A-Z][\w.'-]*)(?: [A-Z][\w.'-]*)*)")
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
    if NUMBERED not in disabled:
        spans = [_numbered_facility(doc, s) for s in spans]
    if LOCATED not in disabled:
        spans = [part for s in spans for part in _split_located(text, s, small, place_type)]
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


def _tokens(doc: Doc, span: Span) -> TokenSpan | None:
    start, end = trim(doc.text, span.start, span.end)
    return doc.char_span(start, end, alignment_mode="expand")


def _numbered_facility(doc: Doc, span: Span) -> Span:
    if span.label not in COARSE:
        return span
    tokens = _tokens(doc, span)
    if tokens is None or len(tokens) != 1 or not _NUMBERED.match(tokens[0].text):
        return span
    token = tokens[0]
    if token.i + 1 >= len(doc):
        return span
    number = doc[token.i + 1]
    if not _NUMBER.match(number.text) or number.idx != token.idx + len(token.text) + 1:
        return span
    return Span(token.idx, number.idx + len(number.text), "FAC")


def _split_located(text: str, span: Span, small: list[Span], place_type: PlaceType) -> list[Span]:
    if span.label != "ORG":
        return [span]
    found = _LOCATED.search(text, span.start, span.end)
    m = _PLACE_NAME.match(text, found.end(), span.end) if found else None
    if m is None or m.end() != span.end:
        return [span]
    kind = place_type(m.group())
    if kind is None or not any(
        s.label == "ORG" and span.start < s.end <= m.start() - len(" in ") for s in small
    ):
        return [span]
    cut = m.start() - len(" in ")
    return [Span(span.start, cut, "ORG"), Span(m.start(), m.end(), kind)]


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
        tokens = _tokens(doc, span)
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
    common noun after the name ("at the St. Pauli gauge"), and no lists."""
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
    span: Span,
    small: list[Span],
    kind: str,
    places: set[int],
    place_ends: set[int],
) -> bool:
    """Whether this mention reads as the place ``kind`` (GPE/LOC) the gazetteer says it is."""
    tokens = _tokens(doc, span)
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
        if people and all(_evidence(doc, s, small, kind, starts, ends) for s in people):
            retyped.update({s: kind for s in people})
        for s in candidates:
            if s.label == "ORG" and _evidence(doc, s, small, kind, starts, ends):
                retyped[s] = kind
    return [Span(s.start, s.end, retyped[s]) if s in retyped else s for s in spans]
