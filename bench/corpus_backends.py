"""The archive back-ends the corpus benchmark loads: a SQLite file and a private PostgreSQL.

Each is created empty for the run and removed after it. PostgreSQL runs durable (fsync on,
synchronous commit), as a deployment would: the write figures include the commit's flush.
"""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from services.localpostgres import PostgresServer
from services.localredis import free_port

BACKENDS = ("sqlite", "postgresql")


@contextmanager
def archive_url(backend: str) -> Iterator[str]:
    """A URL of an empty archive of this back-end, alive for the ``with`` block.

    Under the system's temporary directory: the ``postgres`` user must reach it (localpostgres).
    """
    scratch = Path(tempfile.mkdtemp(prefix=f"bench-corpus-{backend}-"))
    server: PostgresServer | None = None
    try:
        if backend == "sqlite":
            yield f"sqlite:///{scratch / 'archive.db'}"
        elif backend == "postgresql":
            server = PostgresServer(free_port(), scratch / "pg", durable=True)
            server.start()
            yield server.url
        else:
            raise ValueError(f"unknown back-end {backend!r}: one of {', '.join(BACKENDS)}")
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def disk_bytes(engine: Engine) -> dict[str, int]:
    """The archive's size on disk: the database file and its WAL, or the whole database."""
    if engine.dialect.name == "sqlite":
        database = Path(str(engine.url.database))
        sizes = {
            name: path.stat().st_size
            for name, path in (
                ("file", database),
                ("wal", database.with_name(database.name + "-wal")),
                ("shm", database.with_name(database.name + "-shm")),
            )
            if path.exists()
        }
        return {**sizes, "total": sum(sizes.values())}
    with engine.connect() as conn:
        total = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        tables = conn.execute(
            text(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 2 DESC"
            )
        ).all()
    return {"total": int(total), **{str(name): int(size) for name, size in tables}}


def table_sizes_sqlite(engine: Engine) -> dict[str, int]:
    """Bytes per table and index in a SQLite archive (the dbstat virtual table), if available."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC")
            ).all()
    except Exception:  # dbstat is a compile-time option of SQLite
        return {}
    return {str(name): int(size) for name, size in rows}
