"""The attribution cue of a quote and the words naming its speaker, read from the parse.

A cue is a speech verb outside every quotation ("said", "told", "wrote" ...) or "according to".
Which cue a quote rests on, in order (each measured on PolNeAR train, docs/extraction.md):

1. the nearest cue in the quote's sentences outside the quote, after it, else before it
   ("“…,” X, the senator …, told reporters"; "X said on Tuesday that the plan was “…”");
2. else one within the next few words, when the splitter ended the sentence at the closing mark
   ("“…!” Bush said."); after a quote cut by a comma, any verb there ("“…,” he surmised");
3. else the clause ending in a colon right before the quote: its cue, the subject of its verb
   ("Trump leaned in and boomed:"), or a name alone ("- Philip Bump:").

(Asking the parse which verb the quote hangs from found the same cues as 1, so it is not used.)

The speaker's words are the subject of the cue verb (its nsubj; a participle or clause without
one takes its governing verb's: "he said, adding “…”", "he ended by saying"), or the object of
"according to"; when a cue after the quote has no subject, a name opening the words between them
("“…,” Ohio delegate Mark Hale, wearing a red hat, said").
"""

from bisect import bisect_left
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from services.extraction.quote_spans import QuoteSpan

# Verbs news writers attribute speech with (all inflections): the common ones of PolNeAR's
# annotated cues (said, told, wrote, added, tweeted, continued, asked, responded ...) and their
# usual synonyms.
_VERBS = (
    "say said says saying|tell told tells telling|write wrote writes writing written|"
    "add added adds adding|tweet tweeted tweets tweeting|continue continued continues continuing|"
    "ask asked asks asking|respond responded responds responding|reply replied replies replying|"
    "declare declared declares declaring|read reads reading|explain explained explains explaining|"
    "report reported reports reporting|state stated states stating|conclude concluded concludes|"
    "note noted notes noting|shout shouted shouting|chant chanted chanting|insist insisted insists|"
    "announce announced announces announcing|warn warned warns warning|argue argued argues arguing|"
    "claim claimed claims claiming|recall recalled recalls recalling|admit admitted admits|"
    "acknowledge acknowledged acknowledges|comment commented comments|remark remarked remarks|"
    "quip quipped quips|joke joked jokes joking|boast boasted boasts|complain complained complains|"
    "stress stressed stresses|emphasize emphasized emphasizes emphasised|urge urged urges|"
    "predict predicted predicts|suggest suggested suggests|counter countered counters|"
    "confirm confirmed confirms|describe described describes describing|post posted posts|"
    "testify testified testifies|yell yelled yells|cry cried cries|scream screamed|mutter muttered|"
    "whisper whispered|recount recounted recounts|observe observed observes|point pointed points|"
    "insist insisted|affirm affirmed|specify specified specifying|underline underlined|"
    "proclaim proclaimed|thunder thundered|wonder wondered|tease teased|retort retorted|"
    "concede conceded concedes|promise promised promises|vow vowed vows|pledge pledged|"
    "assert asserted asserts|contend contended contends|maintain maintained maintains|"
    "charge charged charges|accuse accused accuses|call called calls calling|put puts"
)
SPEECH_VERBS = frozenset(w for group in _VERBS.split("|") for w in group.split())
# Tokens either side of a quote searched for its cue: a sentence's worth, and a bound that keeps
# the search linear however long a sentence the parser makes of hostile text.
_WINDOW = 60
_NEXT_WORDS = 6  # "” Senator Ted Cruz said."
_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
# Clauses that take their subject from the verb they hang from ("he said, adding …").
_BORROWS_SUBJECT = ("advcl", "xcomp", "conj", "pcomp", "acl", "ccomp", "dep", "prep")


@dataclass(frozen=True)
class Cue:
    """The cue word and the words naming the speaker (token indices, end exclusive)."""

    verb: int
    speaker: tuple[int, int] | None


class QuoteParse:
    """The parsed document seen from its quotations: which tokens are quoted, and where."""

    def __init__(self, doc: Doc, spans: list[QuoteSpan]) -> None:
        self.doc = doc
        self.text = doc.text  # spaCy joins every token for doc.text: read it once, not per quote
        # Reading children of an unparsed Doc crashes spaCy: without a parser (a model that has
        # none), cues are still found but name no speaker.
        self.parsed = doc.has_annotation("DEP")
        self.starts = [t.idx for t in doc]
        self._quoted = [False] * len(doc)
        for span in spans:
            a, b = self.tokens(span.start, span.end)
            for i in range(a, b):
                self._quoted[i] = True

    def tokens(self, start: int, end: int) -> tuple[int, int]:
        """Token range [a, b) of the tokens starting inside [start, end)."""
        return bisect_left(self.starts, start), bisect_left(self.starts, end)

    def quoted(self, i: int) -> bool:
        return self._quoted[i]

    def is_cue(self, token: Token) -> bool:
        if self._quoted[token.i] or token.is_quote or token.is_punct:
            return False
        if token.lower_ == "according":
            return True
        return token.lower_ in SPEECH_VERBS and token.tag_.startswith("VB")


def _according_to(token: Token) -> tuple[int, int] | None:
    for to in token.rights:
        for obj in to.rights:
            if obj.dep_ == "pobj":
                return _phrase(obj)
    nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if nxt is not None and nxt.lower_ == "to" and nxt.i + 1 < len(token.doc):
        return _phrase(token.doc[nxt.i + 1])
    return None


def _phrase(head: Token) -> tuple[int, int]:
    """The noun phrase of ``head`` up to it: its left modifiers, not what follows (an apposition,
    a relative clause), nor anything before a comma."""
    start = head.left_edge.i
    for i in range(head.i - 1, start - 1, -1):
        if head.doc[i].is_punct:
            start = i + 1
            break
    return start, head.i + 1


def speaker_of(parse: QuoteParse, verb: Token) -> tuple[int, int] | None:
    """The words naming who speaks through ``verb``."""
    if not parse.parsed:
        return None
    if verb.lower_ == "according":
        return _according_to(verb)
    seen = 0
    current: Token | None = verb
    while current is not None and seen < 4:
        for child in current.children:  # "was reported by X": the agent speaks
            if child.dep_ == "agent":
                objects = [o for o in child.children if o.dep_ == "pobj"]
                if objects:
                    return _phrase(objects[0])
        for child in current.children:
            if child.dep_ in _SUBJECTS and not parse.quoted(child.i) and not child.is_quote:
                return _phrase(child)
        if current.dep_ in _BORROWS_SUBJECT and current.head is not current:
            current, seen = current.head, seen + 1
        else:
            current = None
    for child in verb.rights:  # "said Caddell", "…”, reads a note": parsed without a subject
        if child.tag_.startswith(("NN", "PRP")) and not parse.quoted(child.i):
            inverted = verb.i > 0 and (
                verb.doc[verb.i - 1].is_punct or verb.doc[verb.i - 1].is_quote
            )
            if inverted or child.tag_ in ("NNP", "NNPS"):
                return _phrase(child)
    return None


def find_cue(
    parse: QuoteParse,
    span: QuoteSpan,
    sentence: tuple[int, int],
    paragraph: tuple[int, int],
    use_colon: bool = True,
) -> Cue | None:
    """The cue ``span`` rests on and its speaker words, or None when the text names no cue."""
    doc = parse.doc
    a, b = parse.tokens(span.start, span.end)
    if a >= b:
        return None
    s_a, s_b = parse.tokens(*sentence)
    after = [doc[i] for i in range(b, min(s_b, b + _WINDOW)) if parse.is_cue(doc[i])]
    before = [doc[i] for i in range(max(s_a, a - _WINDOW), a) if parse.is_cue(doc[i])]
    verb = after[0] if after else before[-1] if before else None
    last = parse.text[span.start : span.end].rstrip()[-1:]
    if verb is None and last != ".":  # a quote ending its sentence in a full stop: no cue after
        verb = _next_words_cue(parse, b, parse.tokens(*paragraph)[1], last in (",", "!", "?"))
    if verb is not None:
        speaker = speaker_of(parse, verb)
        if speaker is None and verb.i >= b:
            speaker = _name_after_quote(parse, b, verb.i)
        return Cue(verb.i, speaker)
    colon = _colon_before(doc, a) if use_colon else None
    if colon is None:
        return None
    return _colon_cue(parse, colon)


def _name_after_quote(parse: QuoteParse, b: int, verb: int) -> tuple[int, int] | None:
    """ "“…,” Jane Roe, a senior adviser, said": a name opening the words between the quote and
    its cue, when the parse gave the verb no subject (it reads the name as part of the quote's
    clause)."""
    doc = parse.doc
    i = b
    while i < verb and (doc[i].is_quote or doc[i].is_punct or doc[i].is_space):
        i += 1
    start = i
    while i < verb and doc[i].tag_ in ("NNP", "NNPS", "NN") and not parse.quoted(i):
        i += 1
    if i == start or doc[i - 1].tag_ not in ("NNP", "NNPS"):
        return None
    return start, i


def _next_words_cue(parse: QuoteParse, b: int, limit: int, any_verb: bool) -> Token | None:
    """ "“…!” Bush said.": the splitter may end the sentence at the closing mark; a cue within the
    next few words, before any full stop, is still this quote's. After a quote cut by a comma
    ("“…,” he surmised") any verb there is the cue, whatever the verb."""
    doc = parse.doc
    for i in range(b, min(limit, b + _NEXT_WORDS)):
        token = doc[i]
        if parse.is_cue(token) or (any_verb and _plain_verb(parse, token)):
            return token
        if token.text in (".", "!", "?") or parse.quoted(i):
            return None
    return None


def _plain_verb(parse: QuoteParse, token: Token) -> bool:
    return token.tag_ in ("VBD", "VBZ", "VBP") and not parse.quoted(token.i)


def speech_follows(parse: QuoteParse, span: QuoteSpan, paragraph: tuple[int, int]) -> bool:
    """Whether a speech verb follows the quote within a few words ("“Nonsense,” he said")."""
    a, b = parse.tokens(span.start, span.end)
    return a < b and _next_words_cue(parse, b, parse.tokens(*paragraph)[1], True) is not None


def _colon_before(doc: Doc, a: int) -> int | None:
    i = a - 1
    while i >= 0 and (doc[i].is_quote or doc[i].is_space):
        i -= 1
    return i if i >= 0 and doc[i].text == ":" else None


def _colon_cue(parse: QuoteParse, colon: int) -> Cue | None:
    """The clause ending in a colon right before the quote (in its paragraph or ending the one
    before) introduces it: "X said on Tuesday:" (its cue), "Trump leaned in and boomed:" (the
    subject of its verb), "Pew Research:" (the name alone)."""
    doc = parse.doc
    if not parse.parsed:
        return None
    before = doc[colon - 1] if colon > 0 else None
    if before is not None and before.tag_ in ("NNP", "NNPS"):  # "- Philip Bump: “…”"
        return Cue(colon, _phrase(before))
    verbs = []
    for j in range(colon - 1, max(colon - _WINDOW, -1), -1):
        if doc[j].text in ("-", "—", "–"):
            break
        if parse.is_cue(doc[j]):
            return Cue(j, speaker_of(parse, doc[j]))
        if doc[j].tag_.startswith("VB") and not parse.quoted(j):
            verbs.append(doc[j])
        if doc[j].is_sent_start or "\n" in doc[j].text:
            break
    head = doc[colon].head
    if verbs and head.tag_.startswith("VB"):
        return Cue(head.i, speaker_of(parse, head))
    if not verbs and before is not None and before.tag_.startswith("NN"):
        return Cue(colon, _phrase(before))
    return None
