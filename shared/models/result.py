"""What the gateway stores and serves for one article, and the events it publishes."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field
from pydantic.json_schema import SkipJsonSchema

from shared.models.document import Document
from shared.models.extraction import Extraction
from shared.models.messages import StageError
from shared.models.submission import ArticleOptions, ContentKind
from shared.models.summary import Summary
from shared.names import Stage

ArticleStatus = Literal["queued", "processing", "done", "failed"]


class StageStatus(BaseModel):
    # "skipped": the stage will never run because an earlier one failed (ingest feeds the others).
    status: Literal["pending", "done", "failed", "skipped"] = "pending"
    worker: str | None = None
    task_id: str | None = None
    attempts: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_ms: float | None = None
    error: StageError | None = None


def _pending_stages() -> dict[Stage, StageStatus]:
    return {"ingest": StageStatus(), "extraction": StageStatus(), "summarization": StageStatus()}


class ArticleResult(BaseModel):
    schema_version: Literal[1] = 1
    id: str
    run_id: str
    status: ArticleStatus = "queued"
    content_type: ContentKind
    url: str | None = None
    callback_url: str | None = None
    # Fingerprint of the API key that submitted the article (never the key): kept in the store,
    # left out of responses (the gateway excludes it) and of the published schema.
    owner: SkipJsonSchema[str | None] = None
    options: ArticleOptions = Field(default_factory=ArticleOptions)
    submitted_at: datetime
    updated_at: datetime
    finished_at: datetime | None = None
    stages: dict[Stage, StageStatus] = Field(default_factory=_pending_stages)
    redrives: int = Field(0, ge=0, description="times the sweeper re-sent a run past its deadline")
    error: StageError | None = None
    document: Document | None = None
    extraction: Extraction | None = None
    summary: Summary | None = None
    story: int | None = Field(
        None, description="story cluster (GET /stories/{id}) once the article is archived"
    )


class ArticleEvent(BaseModel):
    schema_version: Literal[1] = 1
    article_id: str
    run_id: str
    type: Literal["queued", "stage_done", "stage_failed", "redriven", "done", "failed"]
    stage: Stage | None = None
    status: ArticleStatus
    at: datetime
    error: StageError | None = Field(None, description="why, on stage_failed and failed")
