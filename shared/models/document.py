"""The ingest stage's output: clean text with its structure, as every later stage sees it."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class Paragraph(BaseModel):
    index: int = Field(ge=0)
    start: int = Field(ge=0, description="character offset into Document.text")
    end: int = Field(ge=0, description="exclusive")


class Sentence(BaseModel):
    index: int = Field(ge=0)
    start: int = Field(ge=0, description="character offset into Document.text")
    end: int = Field(ge=0, description="exclusive")
    paragraph: int = Field(ge=0)


class Document(BaseModel):
    schema_version: Literal[1] = 1
    article_id: str
    text: str
    title: str | None = None
    language: str | None = Field(None, description="ISO 639-1")
    language_confidence: float | None = Field(None, ge=0, le=1)
    published_at: date | datetime | None = None
    source: str | None = None
    url: str | None = None
    content_type: Literal["text", "html", "url"]
    paragraphs: list[Paragraph] = Field(default_factory=list)
    sentences: list[Sentence] = Field(default_factory=list)
    word_count: int = Field(0, ge=0)
    truncated: bool = Field(False, description="text was cut at MAX_DOCUMENT_CHARS")
    minhash: list[int] = Field(default_factory=list, description="near-duplicate signature")

    def sentence_text(self, index: int) -> str:
        s = self.sentences[index]
        return self.text[s.start : s.end]
