"""Pydantic models for every message that crosses a service boundary.

Each top-level message carries ``schema_version`` so a consumer can refuse what it does not know.
"""

from shared.models.document import Document, Paragraph, Sentence
from shared.models.extraction import (
    DateMention,
    Entity,
    Extraction,
    Keyphrase,
    Mention,
    Place,
    Quote,
)
from shared.models.messages import (
    IngestBatch,
    IngestRequest,
    OutcomeBatch,
    StageBatch,
    StageError,
    StageOutcome,
    StageRequest,
)
from shared.models.problem import FieldError, ProblemDetails
from shared.models.result import ArticleEvent, ArticleResult, StageStatus
from shared.models.submission import (
    ArticleOptions,
    ArticleSubmission,
    BatchAccepted,
    BatchRejected,
    BatchResult,
    SubmitResponse,
    SummaryOptions,
)
from shared.models.summary import Summary, SummarySentence
from shared.models.watchlists import (
    Alert,
    AlertPage,
    MatchedTerm,
    PlaceArea,
    Watchlist,
    WatchlistCreate,
    WatchlistPage,
    WatchlistPatch,
    WatchQuery,
)

__all__ = [
    "Alert",
    "AlertPage",
    "ArticleEvent",
    "ArticleOptions",
    "ArticleResult",
    "ArticleSubmission",
    "BatchAccepted",
    "BatchRejected",
    "BatchResult",
    "DateMention",
    "Document",
    "Entity",
    "Extraction",
    "FieldError",
    "IngestBatch",
    "IngestRequest",
    "Keyphrase",
    "MatchedTerm",
    "Mention",
    "OutcomeBatch",
    "Paragraph",
    "Place",
    "PlaceArea",
    "ProblemDetails",
    "Quote",
    "Sentence",
    "StageBatch",
    "StageError",
    "StageOutcome",
    "StageRequest",
    "StageStatus",
    "SubmitResponse",
    "Summary",
    "SummaryOptions",
    "SummarySentence",
    "WatchQuery",
    "Watchlist",
    "WatchlistCreate",
    "WatchlistPage",
    "WatchlistPatch",
]
