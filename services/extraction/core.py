"""The extraction functional core: what the Celery task calls, free of any messaging concern."""

from spacy.tokens import Doc

from services.extraction.dates import find_dates
from services.extraction.entities import Span, build_entities
from services.extraction.keyphrases import keyphrases
from services.extraction.ner import COARSE, run_models
from services.extraction.nlp_part import nlp_part
from services.extraction.pipeline import Pipeline, load_pipeline
from services.extraction.places import geocode
from services.extraction.quotes import find_quotes
from services.extraction.refine import corrected
from services.extraction.sentences import SentenceIndex
from shared.models import Document, Extraction

__all__ = ["Pipeline", "extract", "load_pipeline", "named_spans"]

MODEL_LANGUAGE = "en"


def named_spans(
    pipeline: Pipeline,
    text: str,
    sentence_starts: list[int] | None = None,
    disabled: frozenset[str] = frozenset(),
) -> tuple[Doc, list[Span]]:
    """The tagged text and its NER spans: both models combined (the small model's if alone),
    then corrected by the rules of refine.py but the groups ``disabled`` names."""
    doc, conll, small = run_models(pipeline, text)
    place_type = pipeline.gazetteer.place_type
    starts = sentence_starts or [0]
    return doc, corrected(doc, conll, small, place_type, starts, disabled)


def language_warnings(document: Document) -> list[str]:
    """The models and the date grammar are English-only: say so rather than look sure."""
    if document.language in (None, MODEL_LANGUAGE):
        return []
    return [
        f"document language is {document.language!r} but the NER models and date grammar are "
        "English-only: entity types, dates and quote speakers are unreliable"
    ]


def extract(
    pipeline: Pipeline, document: Document, disabled: frozenset[str] = frozenset()
) -> Extraction:
    """Pure given the loaded pipeline: same document in, same extraction out.

    ``disabled`` names rule groups to switch off ("dates.relative", "quotes.coref" ...): the eval
    commands use it to measure what each group earns (docs/extraction.md, ablation table); the
    worker always runs with every rule on. A document longer than ``pipeline.max_nlp_chars`` is
    read up to the last sentence within it, and a warning says so (nlp_part.py)."""
    document, cut_warnings = nlp_part(document, pipeline.max_nlp_chars)
    text = document.text
    sentences = SentenceIndex(document)
    doc, spans = named_spans(pipeline, text, sentences.starts, disabled)
    entities = build_entities(spans, text, sentences, pipeline.gazetteer.canonical, disabled)
    names = [s for s in spans if s.label in COARSE or s.label == "MISC"]
    return Extraction(
        model=pipeline.model,
        entities=entities,
        dates=find_dates(
            text,
            document.published_at,
            sentences,
            sentences.bounds,
            entities=names,
            disabled=disabled,
        ),
        quotes=find_quotes(text, sentences, entities, doc, disabled),
        places=geocode(entities, pipeline.gazetteer, text, disabled),
        keyphrases=keyphrases(doc, [(s.start, s.end, s.label) for s in spans], sentences),
        warnings=language_warnings(document) + cut_warnings,
    )
