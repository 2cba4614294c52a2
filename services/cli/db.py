"""The archive's schema and derived tables, for operators (reads DATABASE_URL).

``newsflow db upgrade`` applies the migrations the collector applies at start-up;
``newsflow reindex`` rebuilds the derived tables (entities, places, roll-up, stories) from the
archived results, after a change to how they are derived.
"""

import argparse
import time

from services.gateway.corpus.archive import reindex
from services.gateway.corpus.database import connect, current_revision, shown, upgrade
from shared.settings import get_settings


def add_db_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action", choices=("upgrade", "current"), help="migrate, or show the revision"
    )


def run_db(args: argparse.Namespace) -> int:
    """Migrate the archive (DATABASE_URL) to the latest schema, or show its revision."""
    url = get_settings().database_url
    engine = connect(url)
    if args.action == "upgrade":
        upgrade(engine)
    print(f"{shown(url)}: revision {current_revision(engine)}")
    return 0


def add_reindex_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options: it always rebuilds everything


def run_reindex(args: argparse.Namespace) -> int:
    """Rebuild the archive's derived tables (entities, places, roll-up, stories)."""
    del args
    url = get_settings().database_url
    engine = connect(url)
    upgrade(engine)
    began = time.perf_counter()
    count = reindex(engine)
    print(f"{shown(url)}: reindexed {count} articles in {time.perf_counter() - began:.1f} s")
    return 0
