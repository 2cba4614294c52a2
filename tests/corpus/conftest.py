"""The corpus tests run twice, on SQLite and on a private PostgreSQL, each test on a fresh archive.

Results come from the real cores (ingest, extraction, summarization) over the repo's seed
articles and the short fixture articles, built once per session.
"""

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from services.extraction.core import extract, load_pipeline
from services.gateway.corpus.database import connect, upgrade
from services.ingest.core import build_document
from services.localpostgres import PostgresServer
from services.seeds import seed_submissions
from services.summarization.core import summarize
from shared.models import ArticleResult, ArticleSubmission, StageStatus
from shared.settings import Settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "summaries-small.jsonl"
FIRST_DAY = date(2024, 5, 1)
_databases = itertools.count()


def submissions() -> list[dict[str, object]]:
    items = seed_submissions()
    for line in FIXTURES.read_text().splitlines():
        record = json.loads(line)
        items.append({"text": record["article"], "title": record["title"], "source": record["id"]})
    return items


def finished(
    article_id: str, body: dict[str, object], settings: Settings, pipeline: object
) -> ArticleResult:
    submission = ArticleSubmission.model_validate(body)
    document = build_document(article_id, submission, settings)
    now = datetime.now(UTC)
    return ArticleResult(
        id=article_id,
        run_id=f"run-{article_id}",
        status="done",
        content_type="text" if "text" in body else "html",
        submitted_at=now,
        updated_at=now,
        finished_at=now,
        stages={s: StageStatus(status="done") for s in ("ingest", "extraction", "summarization")},
        document=document,
        extraction=extract(pipeline, document),  # type: ignore[arg-type]
        summary=summarize(document, submission.options.summary, settings),
    )


@pytest.fixture(scope="session")
def results() -> list[ArticleResult]:
    """One finished result per article, dated a day apart from FIRST_DAY (seeds keep theirs)."""
    settings = Settings()
    pipeline = load_pipeline(settings)
    built = []
    for index, body in enumerate(submissions()):
        result = finished(f"art-{index}", body, settings, pipeline)
        assert result.document is not None
        if result.document.published_at is None:
            result.document.published_at = FIRST_DAY + timedelta(days=index)
        built.append(result)
    return built


@pytest.fixture(params=["sqlite", "postgresql"])
def archive_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'archive.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"corpus_{next(_databases)}"
    admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return server.url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def engine(archive_url: str) -> Iterator[Engine]:
    made = connect(archive_url)
    upgrade(made)
    yield made
    made.dispose()
