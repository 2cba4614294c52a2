"""CoNLL-2003 reading (``word POS chunk NER``, IOB1, ``-DOCSTART-`` between documents).

Shared by the NER training script and ``newsflow eval ner`` so both see the data the same way.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# What joins tokens and sentences in the text built from a CoNLL document; training uses the same.
TOKEN_SEP = " "
SENTENCE_SEP = "\n"
# Every tenth document of the training file is held out of training (train.py): it picks the
# checkpoint, and ``newsflow eval ner --held-out`` scores it as data the rules were not tuned on.
HELD_OUT_EVERY = 10


def held_out(index: int) -> bool:
    """Whether the ``index``-th document (from 0) of a training file is kept out of training."""
    return index % HELD_OUT_EVERY == HELD_OUT_EVERY - 1


@dataclass(frozen=True)
class ConllDocument:
    sentences: list[list[str]]
    tags: list[list[str]]

    @property
    def words(self) -> list[str]:
        return [w for sentence in self.sentences for w in sentence]

    def layout(self) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
        """Text, each token's (start, end) offsets and each sentence's (start, end) offsets."""
        parts: list[str] = []
        tokens: list[tuple[int, int]] = []
        sentences: list[tuple[int, int]] = []
        pos = 0
        for i, sentence in enumerate(self.sentences):
            if i:
                parts.append(SENTENCE_SEP)
                pos += len(SENTENCE_SEP)
            first = pos
            for j, word in enumerate(sentence):
                if j:
                    parts.append(TOKEN_SEP)
                    pos += len(TOKEN_SEP)
                parts.append(word)
                tokens.append((pos, pos + len(word)))
                pos += len(word)
            sentences.append((first, pos))
        return "".join(parts), tokens, sentences

    def gold_spans(self) -> list[tuple[int, int, str]]:
        """Entities as (first token, last token + 1, type) over the whole document."""
        spans: list[tuple[int, int, str]] = []
        offset = 0
        for tags in self.tags:
            spans.extend((offset + s, offset + e, t) for s, e, t in iob1_spans(tags))
            offset += len(tags)
        return spans


def iob1_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """IOB1 (and IOB2) tags to (start, end, type): B- only separates touching same-type spans."""
    spans: list[tuple[int, int, str]] = []
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, label = tag.partition("-")
        if start >= 0 and (prefix != "I" or label != kind):
            spans.append((start, i, kind))
            start = -1
        if prefix in ("B", "I") and start < 0:
            start, kind = i, label
    return spans


def read_conll(path: Path) -> Iterator[ConllDocument]:
    sentences: list[list[str]] = []
    tags: list[list[str]] = []
    words: list[str] = []
    labels: list[str] = []

    def close_sentence() -> None:
        nonlocal words, labels
        if words:
            sentences.append(words)
            tags.append(labels)
        words, labels = [], []

    with path.open(encoding="utf-8") as lines:
        for line in lines:
            fields = line.split()
            if not fields:
                close_sentence()
            elif fields[0] == "-DOCSTART-":
                close_sentence()
                if sentences:
                    yield ConllDocument(sentences, tags)
                sentences, tags = [], []
            else:
                words.append(fields[0])
                labels.append(fields[-1])
    close_sentence()
    if sentences:
        yield ConllDocument(sentences, tags)
