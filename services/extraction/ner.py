"""Two NER opinions made one: the CoNLL-trained component finds the spans (its boundaries and
coarse types are what news annotators agree on), en_core_web_sm refines each span's type into
OntoNotes' finer set (GPE vs LOC vs FAC, NORP vs EVENT ...) when the two agree on the coarse type.

Spans only the small model finds are kept when they are of a type the CoNLL model does not know
(DATE, MONEY ...): those feed dates and nothing else. The combined spans are then corrected by
the rules of refine.py (gazetteer-aware retyping, sentence-initial common words ...).
"""

import re
from collections.abc import Callable

from spacy.tokens import Doc

from services.extraction.entities import COARSE as COARSE  # re-exported: core.py reads it here
from services.extraction.entities import Span
from services.extraction.intervals import Intervals
from services.extraction.pipeline import Pipeline

# name -> "GPE" / "LOC" when the gazetteer knows it exactly (Gazetteer.place_type).
PlaceType = Callable[[str], str | None]

_NATURAL = re.compile(
    r"\b(?:River|Sea|Ocean|Gulf|Bay|Lake|Mountains?|Mount|Mt|Valley|Desert|Peninsula|Strait|"
    r"Island|Islands|Basin|Coast|Plateau|Region|Delta|Channel)\b",
    re.I,
)
_FACILITY = re.compile(
    r"\b(?:Airport|Bridge|Stadium|Street|Avenue|Road|Square|Tower|Palace|Hospital|Station|Port|"
    r"Canal|Dam|Base|Prison|Highway|Park|Hall|Building|Centre|Center)\b",
    re.I,
)
_EVENT = re.compile(
    r"\b(?:Cup|Open|Games|Olympics?|Championships?|Tour|Grand Prix|Prix|War|Summit|Festival|"
    r"Awards?|Series|League|Division|Trophy|Classic|Marathon|Rally|Masters|Bowl|Day|Derby|"
    r"Conference|Congress|Election|Revolution|Crisis)\b",
    re.I,
)
# "<Name> St.", "<Name> Ave": a street (FAC) even when the small model calls it a LOC or GPE. Only
# as the last word, so the "St." of a saint's name ("St. Louis") is not a street.
_STREET = re.compile(r"\s(?:St|Ave|Rd|Blvd|Street|Avenue|Road|Boulevard)\.?$")
_DEMONYM = re.compile(r"^(?:[A-Z]\.\s?)?[A-Za-z]+(?:an|ian|ese|ish|ic|i|ch|sh|ans|ese|ons)$")
_AFFILIATION = re.compile(
    r"-(?:based|born|bound|registered|led|backed|made)$|^(?:pro|anti|ex)-", re.I
)


def fine_type(
    coarse: str,
    text: str,
    small: list[str],
    place_type: PlaceType | None = None,
) -> str:
    """OntoNotes type of a CoNLL-typed span: the small model's, if it agrees, else a rule.

    A CoNLL LOC ending in a street word ("... St.") is a FAC whatever the small model says. A
    CoNLL LOC the small model cannot type is a FAC or a natural LOC by its words, a GPE only when
    the gazetteer knows it as a country or city, else LOC (an unknown name may be a neighbourhood,
    not a polity). None of this is visible to CoNLL scoring (all three are LOC there).

    A CoNLL MISC span the small model cannot type is an EVENT if it reads like one, NORP if it
    reads like a people or an affiliation ("Swiss", "Ohio-based"), else PRODUCT (indices,
    currencies, brands: the bulk of what remains in news); again all MISC to CoNLL.
    """
    if coarse == "LOC" and _STREET.search(text):
        return "FAC"
    agreeing = [label for label in small if COARSE.get(label) == coarse]
    if agreeing:
        return agreeing[0]
    if coarse == "PER":
        return "PERSON"
    if coarse == "ORG":
        return "ORG"
    if coarse == "LOC":
        if _FACILITY.search(text):
            return "FAC"
        if _NATURAL.search(text):
            return "LOC"
        known = place_type(text) if place_type is not None else None
        return known or ("LOC" if place_type is not None else "GPE")
    if _EVENT.search(text):
        return "EVENT"
    words = text.split()
    if _AFFILIATION.search(text) or (len(words) <= 2 and _DEMONYM.match(words[-1])):
        return "NORP"
    return "PRODUCT"


def combine(
    text: str,
    conll: list[Span],
    small: list[Span],
    place_type: PlaceType | None = None,
    disabled: frozenset[str] = frozenset(),
) -> list[Span]:
    """CoNLL spans typed by the small model where possible, plus its non-CoNLL types."""
    out: list[Span] = []
    small_at = Intervals((s.start, s.end) for s in small)
    for span in conll:
        overlapping = [small[i] for i in small_at.which(span.end, span.start)]
        exact = [s.label for s in overlapping if (s.start, s.end) == (span.start, span.end)]
        rest = [s.label for s in overlapping if (s.start, s.end) != (span.start, span.end)]
        out.append(
            Span(
                span.start,
                span.end,
                fine_type(span.label, text[span.start : span.end], exact + rest, place_type),
            )
        )
    conll_at = Intervals((c.start, c.end) for c in conll)
    for s in small:
        if s.label in COARSE:
            continue
        if not conll_at.overlaps(s.start, s.end):
            out.append(s)
    out.sort(key=lambda s: (s.start, s.end))
    return out


def run_models(pipeline: Pipeline, text: str) -> tuple[Doc, list[Span] | None, list[Span]]:
    """The tagged text, the CoNLL model's spans (None without that model) and the small model's.

    Kept apart from the rules so an ablation runs the models once and the rules many times."""
    doc = pipeline.nlp(text)
    small = [Span(e.start_char, e.end_char, e.label_) for e in doc.ents]
    if pipeline.conll is None:
        return doc, None, small
    doc.set_ents([], default="missing")  # a preset entity would constrain the second NER
    pipeline.conll(doc)
    return doc, [Span(e.start_char, e.end_char, e.label_) for e in doc.ents], small
