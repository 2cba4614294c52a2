"""Which words before a period do not end a sentence (English news style).

Two kinds: a *title* always precedes something ("Dr. Okafor"), so it never ends a sentence; an
*ambiguous* abbreviation ("U.S.", "Inc.", "Jan.", an initial) ends one only when a typical
sentence opener follows ("... in the U.S. The president ..." but "the U.S. Senate").
"""

import re
from typing import Literal

AbbreviationKind = Literal["title", "ambiguous"]


def _words(text: str) -> frozenset[str]:
    """Word lists written as prose: easier to scan and edit than a hundred quoted strings."""
    return frozenset(text.split())


TITLES = _words(
    """Mr Mrs Ms Mx Messrs Mme Mlle Dr Drs Prof Profs Sen Sens Rep Reps Gov Govs Lt Gen Col Maj
    Capt Cmdr Cdr Adm Brig Sgt Cpl Pvt Rev Fr Hon Pres Supt Insp Det Amb Atty Gens Cols Lts
    Sra Srta Hr Dra"""
)

AMBIGUOUS = _words(
    """Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thur Thurs Fri Sat
    Sun Inc Corp Co Cos Ltd Bros Plc Jr Sr Snr Jnr St Ste Ave Blvd Rd Mt Ft No Nos Vol Vols Ch Art
    Fig Figs Ala Ariz Ark Calif Colo Conn Del Fla Ga Ill Ind Kan Ky La Md Mass Mich Minn Miss Mo
    Mont Neb Nev Okla Ore Pa Tenn Va Vt Wash Wis Wyo Dept Univ Assn Est Approx"""
)

# Lower-case abbreviations: "vs." and "cf." precede something; "etc." often ends a sentence.
LOWER_TITLES = _words("vs v cf ca approx incl excl esp viz")
LOWER_AMBIGUOUS = _words("etc al")

# Words that open a new sentence after an ambiguous abbreviation.
SENTENCE_STARTERS = _words(
    """the a an this that these those it its he she they we i you his her their our my your
    but and or so yet in on at for from by with without after before when while although though
    if since as because meanwhile however there here what who why how where mr mrs ms dr some
    many most all both each other another one two three no not officials police authorities
    analysts critics earlier later last next then still also instead now today yesterday
    according"""
)

_DOTTED = re.compile(r"(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}")


def abbreviation_kind(token: str) -> AbbreviationKind | None:
    """Classify the word written just before a period (without the period)."""
    if token in TITLES or token.lower() in LOWER_TITLES:
        return "title"
    if token in AMBIGUOUS or token.lower() in LOWER_AMBIGUOUS:
        return "ambiguous"
    if len(token) == 1 and token.isupper():  # an initial: "George W. Bush"
        return "ambiguous"
    if _DOTTED.fullmatch(token):  # "U.S", "a.m", "Ph.D"
        return "ambiguous"
    return None
