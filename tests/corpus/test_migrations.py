"""Migrations on both back-ends: processes migrating at once (gateway and collectors start
together) all succeed and leave one schema; every revision downgrades and upgrades cleanly."""

import os
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, inspect

from services.gateway.corpus.database import alembic_config, connect, current_revision, upgrade
from services.gateway.corpus.tables import metadata

NEWSFLOW = str(Path(sys.executable).parent / "newsflow")
FULLTEXT_PARTS = ("articles_fts", "ix_articles_search", "search")
TABLES = {
    "articles",
    "article_entities",
    "article_places",
    "entity_days",
    "entity_totals",
    "article_bands",
    "stories",
    "sources",
    "feed_items",
    "watchlists",
    "alerts",
}
HEAD = "0002"


def test_concurrent_upgrades_all_succeed(archive_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": archive_url}
    runs = [
        subprocess.Popen(
            [NEWSFLOW, "db", "upgrade"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        assert f"revision {HEAD}" in out
    engine = connect(archive_url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    engine.dispose()


def test_every_revision_runs_under_one_lock(archive_url: str) -> None:
    """The lock that serialises migrating processes is the transaction's: were it committed
    between revisions, a second process could read the half-migrated version and replay the
    later revisions on top of the first's (a race the concurrent test above only sometimes
    catches)."""
    engine = connect(archive_url)
    commits: list[object] = []
    event.listen(engine, "commit", commits.append)
    upgrade(engine)
    assert current_revision(engine) == HEAD
    assert len(commits) == 1
    engine.dispose()


def test_downgrade_to_nothing_and_back(archive_url: str) -> None:
    engine = connect(archive_url)
    upgrade(engine)
    command.downgrade(alembic_config(engine), "base")
    assert current_revision(engine) is None
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert current_revision(engine) == HEAD
    engine.dispose()


def test_the_migrations_build_what_tables_py_declares(archive_url: str) -> None:
    """A column or index added to tables.py without a migration (or the reverse) fails here;
    only the full-text parts, each back-end's own, are not in the metadata."""
    engine = connect(archive_url)
    upgrade(engine)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    unexplained = [d for d in differences if not any(x in str(d) for x in FULLTEXT_PARTS)]
    assert unexplained == []
