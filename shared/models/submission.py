"""What a client submits: one article as text, HTML or a URL, with optional metadata."""

from datetime import date, datetime
from typing import Literal, Self

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, JsonValue, model_validator

from shared.models.problem import ProblemDetails

ContentKind = Literal["text", "html", "url"]


class SummaryOptions(BaseModel):
    """Summary length: a number of sentences or a ratio of the article's sentences, not both."""

    model_config = ConfigDict(extra="forbid")

    sentences: int | None = Field(None, ge=1, le=50)
    ratio: float | None = Field(None, gt=0, le=1)

    @model_validator(mode="after")
    def _one_budget(self) -> Self:
        if self.sentences is not None and self.ratio is not None:
            raise ValueError("give either 'sentences' or 'ratio', not both")
        return self


class ArticleOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: SummaryOptions = Field(default_factory=SummaryOptions)


# The example /docs fills in: exactly one of text, html or url, so "Try it out" is accepted (202).
SUBMISSION_EXAMPLE: dict[str, JsonValue] = {
    "text": (
        "Heavy rain flooded parts of Lisbon on Tuesday, the city's mayor Carlos Moedas said. "
        '"We have never seen this much water in one night," he told reporters.'
    ),
    "title": "Floods in Lisbon",
    "source": "Example Wire",
    "published_at": "2024-05-01T09:30:00Z",
    "language": "en",
    "options": {"summary": {"sentences": 2}},
}


class ArticleSubmission(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"examples": [SUBMISSION_EXAMPLE]},
    )

    schema_version: Literal[1] = 1
    text: str | None = Field(None, min_length=1)
    html: str | None = Field(None, min_length=1)
    url: AnyHttpUrl | None = None
    title: str | None = Field(None, max_length=1000)
    source: str | None = Field(None, max_length=200)
    published_at: date | datetime | None = None
    language: str | None = Field(None, pattern=r"^[a-z]{2}$", description="ISO 639-1, if known")
    callback_url: AnyHttpUrl | None = None
    options: ArticleOptions = Field(default_factory=ArticleOptions)

    @model_validator(mode="after")
    def _exactly_one_content(self) -> Self:
        given = [k for k in ("text", "html", "url") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of 'text', 'html' or 'url'"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self

    @property
    def kind(self) -> ContentKind:
        if self.text is not None:
            return "text"
        return "html" if self.html is not None else "url"

    @property
    def content(self) -> str:
        return self.text or self.html or str(self.url)


class SubmitResponse(BaseModel):
    """What ``POST /articles`` answers: 202 queued, or 200 already known (not run again)."""

    id: str
    status: str
    duplicate: bool
    links: dict[str, str] = Field(description="self and events URLs of the article")


class BatchAccepted(BaseModel):
    index: int = Field(description="position of the item in the batch")
    id: str
    status: str
    duplicate: bool
    links: dict[str, str]


class BatchRejected(BaseModel):
    index: int = Field(description="position of the item in the batch")
    error: ProblemDetails


class BatchResult(BaseModel):
    """What ``POST /articles/batch`` answers: each item succeeds or fails alone."""

    accepted: int
    rejected: int
    items: list[BatchAccepted | BatchRejected]
