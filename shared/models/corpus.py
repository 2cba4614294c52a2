"""What the corpus API and the ``newsflow`` CLI exchange: searches, entities, stories.

The gateway serves these models and the CLI reads them, so they live here rather than in either.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, field_validator

MAX_PAGE = 100


def _date_or_time(value: Any) -> Any:
    """``2024-05-01`` is a day (``until`` includes it); a longer ISO 8601 text is a moment."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        if len(text) == len("2024-05-01"):
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            "expected an ISO 8601 date (2024-05-01) or time (2024-05-01T12:00Z)"
        ) from None


DateOrTime = Annotated[datetime | date, BeforeValidator(_date_or_time)]


class ArticleFilters(BaseModel):
    """Filters shared by ``GET /articles``, ``GET /export`` and ``newsflow search``/``export``."""

    q: str | None = Field(
        None, max_length=500, description='words, "a phrase", OR, -excluded (English stemming)'
    )
    entity: str | None = Field(
        None, max_length=200, description="an entity key (PERSON:xi-jinping) or a name, any type"
    )
    type: str | None = Field(
        None, max_length=16, description="entity type: with entity, narrows it; alone, any"
    )
    place: str | None = Field(
        None, max_length=200, description="a place name or gazetteer id (geonames:2022890)"
    )
    since: DateOrTime | None = Field(None, description="from this date or time (ISO 8601)")
    until: DateOrTime | None = Field(
        None, description="up to this date (inclusive) or before this time (ISO 8601)"
    )
    language: str | None = Field(None, max_length=8, description="ISO 639-1")
    story: int | None = Field(None, ge=1, description="a story id (GET /stories)")

    @field_validator("type")
    @classmethod
    def _upper(cls, value: str | None) -> str | None:
        return value.upper() if value else value


class ArticleHit(BaseModel):
    id: str
    title: str | None
    source: str | None
    url: str | None
    language: str | None
    published_at: datetime | None
    dated_at: datetime = Field(description="publication time, else when processing finished")
    word_count: int
    summary: str
    snippets: list[str] = Field(
        default_factory=list, description="HTML-escaped passages, matches in <mark> (with q)"
    )
    story: int | None = None


class ArticlePage(BaseModel):
    items: list[ArticleHit]
    next_cursor: str | None = Field(None, description="pass as cursor= for the next page")


class DayCount(BaseModel):
    day: date
    articles: int
    mentions: int


class EntityCount(BaseModel):
    key: str = Field(description="TYPE:slug, the same across articles")
    type: str
    name: str
    articles: int
    mentions: int
    series: list[DayCount] = Field(default_factory=list, description="per day, oldest first")


class CoMention(BaseModel):
    key: str
    type: str
    name: str
    articles: int = Field(description="articles mentioning both")
    pmi: float = Field(description="log2 of how much more often together than by chance")


class EntityDetail(EntityCount):
    first_seen: datetime
    last_seen: datetime
    recent_articles: list[ArticleHit] = Field(default_factory=list, description="newest first")
    co_mentioned: list[CoMention] = Field(default_factory=list)


class Story(BaseModel):
    id: int
    size: int
    earliest_at: datetime
    latest_at: datetime
    first: ArticleHit = Field(description="the earliest article: who had it first")
    sources: list[str] = Field(description="distinct sources, earliest first")
    articles: list[ArticleHit] = Field(description="earliest first (at most 50)")
    top_entities: list[EntityCount] = Field(default_factory=list)


class StoryPage(BaseModel):
    items: list[Story]
    next_cursor: str | None = None


ExportFormat = Literal["jsonl", "csv"]
