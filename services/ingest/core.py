"""The ingest stage's functional core: a submission (and any fetched page) in, a Document out.

No I/O happens here: fetching is ``fetch.fetch_url``'s job, done by the task before this runs, so
this function is deterministic and testable without a network.
"""

from dataclasses import dataclass
from datetime import date, datetime

from services.ingest.fetch import FetchedPage
from services.ingest.html import extract_html
from services.ingest.language import detect_language
from services.ingest.minhash import signature
from services.ingest.paragraphs import paragraphs_from_blocks, paragraphs_from_lines, split_blocks
from services.ingest.segment import split_sentences
from services.ingest.text import repair_text, squash_spaces
from services.ingest.title import drop_repeated_title, looks_like_headline
from services.ingest.words import count_words
from shared.models import ArticleSubmission, Document, Paragraph, Sentence
from shared.redact import redact_url
from shared.settings import Settings

PARAGRAPH_SEPARATOR = "\n\n"


class EmptyArticleError(ValueError):
    """The submission holds no article text (an empty page, say): retrying cannot help."""


@dataclass(frozen=True)
class _Body:
    paragraphs: list[str]
    title: str | None
    published: date | None = None
    sitename: str | None = None


def _clean_title(title: str | None) -> str | None:
    cleaned = squash_spaces(repair_text(title)) if title else ""
    return cleaned or None


def _plain_body(raw: str, title: str | None) -> _Body:
    blocks = split_blocks(repair_text(raw, entities=True))
    if title is None and looks_like_headline(blocks):
        title, blocks = blocks[0][0], blocks[1:]
    return _Body(paragraphs_from_blocks(blocks), title)


def _html_body(markup: str, url: str | None, title: str | None) -> _Body:
    page = extract_html(markup, url)
    page_title = _clean_title(page.title)
    # The page's own headline goes even when the submission names the article differently.
    paragraphs = drop_repeated_title(page_title, paragraphs_from_lines(repair_text(page.text)))
    return _Body(paragraphs, title or page_title, page.published, page.sitename)


def _body(submission: ArticleSubmission, fetched: FetchedPage | None) -> _Body:
    title = _clean_title(submission.title)
    if fetched is not None:
        if fetched.is_html:
            return _html_body(fetched.content, fetched.url, title)
        return _plain_body(fetched.content, title)
    if submission.html is not None:
        return _html_body(submission.html, None, title)
    if submission.text is not None:
        return _plain_body(submission.text, title)
    raise ValueError("a URL submission needs its fetched page (fetch.fetch_url)")


def truncate(paragraphs: list[str], limit: int) -> tuple[list[str], bool]:
    """Paragraphs that fit in ``limit`` characters once joined; the last one cut at a space."""
    kept: list[str] = []
    used = 0
    for paragraph in paragraphs:
        gap = len(PARAGRAPH_SEPARATOR) if kept else 0
        if used + gap + len(paragraph) <= limit:
            kept.append(paragraph)
            used += gap + len(paragraph)
            continue
        room = limit - used - gap
        if room > 0:
            cut = paragraph.rfind(" ", 0, room + 1)
            piece = paragraph[: cut if cut > 0 else room].rstrip()
            if piece:
                kept.append(piece)
        return kept, True
    return kept, False


def _structure(paragraphs: list[str]) -> tuple[list[Paragraph], list[Sentence]]:
    paragraph_spans: list[Paragraph] = []
    sentences: list[Sentence] = []
    offset = 0
    for index, paragraph in enumerate(paragraphs):
        if index:
            offset += len(PARAGRAPH_SEPARATOR)
        paragraph_spans.append(Paragraph(index=index, start=offset, end=offset + len(paragraph)))
        for start, end in split_sentences(paragraph):
            sentences.append(
                Sentence(
                    index=len(sentences),
                    start=offset + start,
                    end=offset + end,
                    paragraph=index,
                )
            )
        offset += len(paragraph)
    return paragraph_spans, sentences


def build_document(
    article_id: str,
    submission: ArticleSubmission,
    settings: Settings,
    fetched: FetchedPage | None = None,
) -> Document:
    """Clean text with paragraph and sentence offsets, metadata, language and MinHash.

    Text comes from ``submission.text``, or the main text of ``submission.html`` or of the
    ``fetched`` page (required for URL submissions). Paragraphs are joined by a blank line, so
    ``Document.text[p.start:p.end]`` is a paragraph and ``text[s.start:s.end]`` a stripped
    sentence that never crosses one.

    Title: the submission's; else the page's metadata title (HTML); else, for plain text, a
    first line that reads like a headline (a line of its own followed by a blank line, at most
    200 characters, not ending in ``.``/``,``/``;``/``:``). The title is never also the body's
    first paragraph: a detected headline leaves the text, and a first paragraph that merely
    repeats the title (as extracted HTML repeats its ``<h1>``) is dropped, so summaries and
    sentence 0 start with the story. A text without such a line keeps all of it as body.

    Paragraphs without a letter or digit ("* * *" separators) are dropped, so every paragraph
    has at least one sentence. ``published_at`` and ``source`` fall back to the page's date and
    site name; ``language`` is the submission's (confidence 1.0) or py3langid's best ISO 639-1
    guess (``None`` if unsure); text beyond ``settings.max_document_chars`` is cut at a word
    boundary and ``truncated`` set. Raises ``EmptyArticleError`` when no text is left.
    """
    body = _body(submission, fetched)
    paragraphs = [p for p in body.paragraphs if any(c.isalnum() for c in p)]
    paragraphs = drop_repeated_title(body.title, paragraphs)
    paragraphs, truncated = truncate(paragraphs, settings.max_document_chars)
    if not paragraphs:
        raise EmptyArticleError("no article text found in the submission")
    text = PARAGRAPH_SEPARATOR.join(paragraphs)
    paragraph_spans, sentences = _structure(paragraphs)

    language: str | None = submission.language
    confidence: float | None = 1.0 if language else None
    if language is None:
        detected = detect_language(text)
        if detected is not None:
            language, confidence = detected

    published: datetime | date | None = submission.published_at or body.published
    return Document(
        article_id=article_id,
        text=text,
        title=body.title,
        language=language,
        language_confidence=confidence,
        published_at=published,
        source=submission.source or body.sitename,
        url=redact_url(fetched.url) if fetched is not None else None,  # served to clients
        content_type=submission.kind,
        paragraphs=paragraph_spans,
        sentences=sentences,
        word_count=count_words(text),
        truncated=truncated,
        minhash=signature(text),
    )
