"""The corpus tests run twice, on SQLite and on a private PostgreSQL, each test on a fresh archive.

Results come from the real cores (ingest, extraction, summarization) over the repo's seed
articles and the short fixture articles, built once per session.
"""

import itertools
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from services.evaluation.results import finished
from services.extraction.core import load_pipeline
from services.gateway.corpus.database import connect, upgrade
from services.localpostgres import PostgresServer
from services.seeds import seed_submissions
from shared.models import ArticleResult, ArticleSubmission
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


@pytest.fixture(scope="session")
def results() -> list[ArticleResult]:
    """One finished result per article, dated a day apart from FIRST_DAY (seeds keep theirs)."""
    settings = Settings()
    pipeline = load_pipeline(settings)
    built = []
    for index, body in enumerate(submissions()):
        submission = ArticleSubmission.model_validate(body)
        result = finished(f"art-{index}", submission, settings, pipeline, run_id=f"run-{index}")
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
