"""Model loading, kept apart from extraction logic so a worker pays for it once per process."""

import logging
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.pipeline import EntityRecognizer

from services.extraction.artefact import verify
from services.extraction.places import Gazetteer
from shared.settings import Settings

log = logging.getLogger(__name__)

# The CoNLL-2003 NER artefact (train.py builds it); without it extraction uses the small model's.
CONLL_MODEL = Path(__file__).parent / "models" / "ner-conll"
_CONLL_NAME = "ner_conll"
_UNUSED = ["senter", "attribute_ruler", "lemmatizer"]


@dataclass(frozen=True)
class Pipeline:
    """Everything extract() needs, loaded once per worker process and then only read."""

    nlp: Language
    conll: EntityRecognizer | None  # run apart from nlp: it must not see the small model's ents
    gazetteer: Gazetteer
    model: str  # "name version", reported in Extraction.model
    max_nlp_chars: int  # Settings.max_nlp_chars: the part of a long document extract() reads


def model_label(nlp: Language) -> str:
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', '?')} {meta.get('version', '?')}"


def load_pipeline(settings: Settings, conll_model: Path | None = CONLL_MODEL) -> Pipeline:
    # Only the tagger (keyphrase candidates) and NER feed the output: the parser, attribute
    # ruler and lemmatizer would cost about a third of the small model's time for nothing.
    nlp = spacy.load(settings.spacy_model, exclude=_UNUSED)
    label = model_label(nlp)
    conll: EntityRecognizer | None = None
    if conll_model is not None and (conll_model / "config.cfg").exists():
        verify(conll_model)
        source = spacy.load(conll_model, exclude=["tokenizer"])
        nlp.add_pipe("ner", name=_CONLL_NAME, source=source)
        nlp.disable_pipe(_CONLL_NAME)
        conll = nlp.get_pipe(_CONLL_NAME)
        label += f" + {model_label(source)}"
    elif conll_model is not None:
        log.warning("no CoNLL NER model at %s: using %s alone", conll_model, label)
    return Pipeline(
        nlp=nlp,
        conll=conll,
        gazetteer=Gazetteer.load(),
        model=label,
        max_nlp_chars=settings.max_nlp_chars,
    )
