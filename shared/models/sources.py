"""Followed sources (feeds and news sitemaps): what a client sends, and what the API answers.

Shared by the gateway's routes and the CLI, so both read one contract. A source is polled on its
own interval by the scheduler (services/gateway/monitor); its health fields say how that went.
"""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

SourceKind = Literal["rss", "atom", "json", "sitemap"]
PollStatus = Literal["ok", "not_modified", "error"]

MIN_INTERVAL_SECONDS = 60  # politeness: nobody polls a feed more than once a minute
MAX_INTERVAL_SECONDS = 7 * 24 * 3600
MAX_TAGS = 20

Tag = Annotated[str, Field(pattern=r"^[\w.:-]{1,40}$", description="letters, digits, _.:-")]


class SourceCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={
            "examples": [
                {
                    "url": "https://www.example.com/world/rss.xml",
                    "interval_seconds": 900,
                    "language": "en",
                    "tags": ["world", "wires"],
                }
            ]
        },
    )

    url: AnyHttpUrl = Field(description="an RSS 2.0 / Atom / JSON Feed URL or a news sitemap")
    interval_seconds: int = Field(
        900, ge=MIN_INTERVAL_SECONDS, le=MAX_INTERVAL_SECONDS, description="how often to poll"
    )
    language: str | None = Field(
        None, pattern=r"^[a-z]{2}$", description="ISO 639-1 hint given to its articles"
    )
    tags: list[Tag] = Field(default_factory=list, max_length=MAX_TAGS)
    active: bool = True


class SourcePatch(BaseModel):
    """Only the fields given change; ``url`` cannot (delete and add the new one)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    interval_seconds: int | None = Field(None, ge=MIN_INTERVAL_SECONDS, le=MAX_INTERVAL_SECONDS)
    language: str | None = Field(None, pattern=r"^[a-z]{2}$")
    tags: list[Tag] | None = Field(None, max_length=MAX_TAGS)
    active: bool | None = None


class SourceHealth(BaseModel):
    """How polling went: what an operator looks at when a source goes quiet."""

    last_polled_at: datetime | None = None
    last_success_at: datetime | None = None
    last_status: PollStatus | None = None
    last_error: str | None = None
    notes: list[str] = Field(
        default_factory=list,
        description="what the last feed read said of itself: malformed but read, items cut off",
    )
    consecutive_errors: int = 0
    items_last_poll: int = Field(0, description="items the last successful poll read")
    new_last_poll: int = Field(0, description="of those, new or changed (submitted)")
    items_submitted: int = Field(0, description="submissions made from this source, all time")
    next_poll_at: datetime | None = None


class Source(BaseModel):
    id: str
    url: str
    kind: SourceKind | None = Field(None, description="detected at the first successful poll")
    title: str | None = None
    interval_seconds: int
    language: str | None = None
    tags: list[str]
    active: bool
    created_at: datetime
    updated_at: datetime
    health: SourceHealth


class FeedItemRecord(BaseModel):
    """One item a source has delivered, as deduplicated: the article it became and when."""

    guid: str
    url: str
    title: str | None = None
    article_id: str | None = Field(None, description="the article this item was submitted as")
    first_seen_at: datetime
    last_seen_at: datetime
    runs: int = Field(description="submissions of this item: 1, plus one per changed version")
    outcome: Literal["submitted", "duplicate", "refused"] = "submitted"
    reason: str | None = Field(None, description="why it was refused (robots.txt, bad URL)")


class PollReport(BaseModel):
    """What one poll did (``POST /sources/{id}/poll`` answers it)."""

    source_id: str
    status: PollStatus | Literal["skipped"]
    items: int = 0
    new: int = 0
    changed: int = 0
    duplicates: int = 0
    refused: int = 0
    error: str | None = None
    next_poll_at: datetime | None = None
