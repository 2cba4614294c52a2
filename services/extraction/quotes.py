"""Quoted speech and who said it.

Three steps, one module each: where the quotations are (``quote_spans``: marks paired in one
linear pass), which cue each rests on and the words naming its speaker (``quote_cues``: the
dependency parse), and which entity those words name or stand for (``quote_speakers``).

A quote with no cue of its own continues the attribution of the quote before it when both are
in the same paragraph ("“…,” said X. “…”") or it opens the paragraph right after ("X said: “…”"
then a paragraph that is one more quote): writers name a speaker once per run of quotes.

Rule groups (switched off by ``disabled`` for ablation): ``quotes.paragraphs`` (a quote carried
over paragraphs), ``quotes.titles`` (short title-case quotations are names of works),
``quotes.colon`` (a clause ending in a colon introduces the quote), ``quotes.continuation`` (the
run-of-quotes rule above), ``quotes.coref`` (pronouns and nominals resolved to entities).
"""

from bisect import bisect_right

from spacy.tokens import Doc

from services.extraction.quote_cues import QuoteParse, find_cue, speech_follows
from services.extraction.quote_spans import QuoteSpan, is_title, quoted_spans
from services.extraction.quote_speakers import SpeakerMemory, mentions_of, resolve
from services.extraction.sentences import SentenceIndex
from shared.models import Entity, Quote


def _line_starts(text: str) -> list[int]:
    return [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]


def find_quotes(
    text: str,
    sentences: SentenceIndex,
    entities: list[Entity],
    doc: Doc,
    disabled: frozenset[str] = frozenset(),
) -> list[Quote]:
    """Every quotation long enough to be speech, with its speaker when the text names one."""
    spans = quoted_spans(text, continue_paragraphs="quotes.paragraphs" not in disabled)
    if "quotes.titles" not in disabled:
        spans = [s for s in spans if not is_title(text[s.start : s.end])]
    parse = QuoteParse(doc, spans)
    memory = SpeakerMemory(mentions_of(entities))
    lines = _line_starts(text)
    quotes: list[Quote] = []
    for span in spans:
        last = bisect_right(lines, span.end)  # the line after the one the quote closes in
        paragraph = (
            lines[bisect_right(lines, span.start) - 1],
            lines[last] if last < len(lines) else len(text),
        )
        # A quote may span sentences: the cue before it is in the sentence it opens in, the cue
        # after it in the one it closes in.
        if span.short and not speech_follows(parse, span, paragraph):
            continue
        sentence = (sentences.bounds(span.start)[0], sentences.bounds(span.end)[1])
        cue = find_cue(
            parse,
            span,
            (sentence[0], max(sentence[1], span.end + 1)),
            paragraph,
            use_colon="quotes.colon" not in disabled,
        )
        words: tuple[int, int] | None = None
        if cue is not None and cue.speaker is not None:
            a, b = cue.speaker
            words = memory.widen((doc[a].idx, doc[b - 1].idx + len(doc[b - 1])))
        elif cue is None and quotes and "quotes.continuation" not in disabled:
            words = _continued(text, lines, quotes[-1], span)
        speaker = None
        if words is not None:
            if quotes and words == (quotes[-1].speaker_start, quotes[-1].speaker_end):
                speaker = memory.previous if quotes[-1].speaker_entity else None
            else:
                speaker = resolve(text, words, memory, "quotes.coref" not in disabled)
            memory.remember(speaker, text[words[0] : words[1]], span.end)
        quotes.append(
            Quote(
                text=text[span.start : span.end],
                start=span.start,
                end=span.end,
                sentence=sentences.of(span.start),
                speaker=speaker.name if speaker else None,
                speaker_entity=speaker.id if speaker else None,
                speaker_start=words[0] if words else None,
                speaker_end=words[1] if words else None,
            )
        )
    return quotes


def _continued(
    text: str, lines: list[int], previous: Quote, span: QuoteSpan
) -> tuple[int, int] | None:
    """The previous quote's speaker words, when ``span`` goes on with the same speaker: same
    paragraph, or it opens the paragraph that follows the previous quote's."""
    if previous.speaker_start is None or previous.speaker_end is None:
        return None
    words = (previous.speaker_start, previous.speaker_end)
    between = text[previous.end : span.start]
    if "\n" not in between:
        return words
    here = bisect_right(lines, span.start) - 1
    opens_paragraph = not text[lines[here] : span.start - 1].strip()
    blank_lines = between.count("\n")
    return words if opens_paragraph and blank_lines <= 2 else None
