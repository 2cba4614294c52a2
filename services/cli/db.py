"""``newsflow db`` and ``reindex``: the archive's schema and derived tables, for operators.

They work on the database itself (``DATABASE_URL``), not through the gateway: ``db upgrade``
applies the migrations the collector and gateway apply at start-up; ``reindex`` rebuilds the
derived tables (entities, places, roll-up, stories) from the archived results.
"""

import time
from typing import Annotated

import typer

from services.gateway.corpus.archive import reindex as rebuild
from services.gateway.corpus.database import connect, current_revision, shown, upgrade
from shared.settings import get_settings


def db(
    action: Annotated[str, typer.Argument(help="upgrade: migrate; current: show the revision")],
) -> None:
    """Migrate the archive (DATABASE_URL) to the latest schema, or show its revision."""
    if action not in ("upgrade", "current"):
        raise typer.BadParameter("upgrade or current", param_hint="ACTION")
    url = get_settings().database_url
    engine = connect(url)
    if action == "upgrade":
        upgrade(engine)
    typer.echo(f"{shown(url)}: revision {current_revision(engine)}")


def reindex() -> None:
    """Rebuild the archive's derived tables (entities, places, roll-up, stories)."""
    url = get_settings().database_url
    engine = connect(url)
    upgrade(engine)
    began = time.perf_counter()
    count = rebuild(engine)
    typer.echo(f"{shown(url)}: reindexed {count} articles in {time.perf_counter() - began:.1f} s")
