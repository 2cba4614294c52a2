"""Envelopes for the Celery messages between stages and to the collector."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from shared.models.document import Document
from shared.models.extraction import Extraction
from shared.models.submission import ArticleOptions, ArticleSubmission
from shared.models.summary import Summary
from shared.names import Stage


class IngestRequest(BaseModel):
    schema_version: Literal[1] = 1
    article_id: str
    run_id: str = Field(
        description="one run of the pipeline; late results of older runs are dropped"
    )
    submission: ArticleSubmission


class StageRequest(BaseModel):
    schema_version: Literal[1] = 1
    article_id: str
    run_id: str
    document: Document
    options: ArticleOptions = Field(default_factory=ArticleOptions)


class IngestBatch(BaseModel):
    """Several ``IngestRequest``s in one message (shared/batch_stage.py)."""

    schema_version: Literal[1] = 1
    requests: list[IngestRequest] = Field(min_length=1)


class StageBatch(BaseModel):
    """Several ``StageRequest``s in one message, for extraction or summarization."""

    schema_version: Literal[1] = 1
    requests: list[StageRequest] = Field(min_length=1)


class StageError(BaseModel):
    stage: Stage
    type: str = Field(description="exception class or error code")
    message: str
    retryable: bool = False


class StageOutcome(BaseModel):
    """What a stage reports to the collector, success or failure."""

    schema_version: Literal[1] = 1
    article_id: str
    run_id: str
    stage: Stage
    status: Literal["done", "failed"]
    worker: str
    task_id: str
    attempts: int = Field(1, ge=1)
    started_at: datetime
    finished_at: datetime
    document: Document | None = None
    extraction: Extraction | None = None
    summary: Summary | None = None
    error: StageError | None = None

    @property
    def duration_ms(self) -> float:
        return (self.finished_at - self.started_at).total_seconds() * 1000


class OutcomeBatch(BaseModel):
    """The outcomes of one batch message, to the collector in one message."""

    schema_version: Literal[1] = 1
    outcomes: list[StageOutcome] = Field(min_length=1)
