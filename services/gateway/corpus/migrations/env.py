"""Alembic's entry point: runs migrations on the engine ``database.upgrade`` passes in.

Serialised across processes (the gateway and every collector migrate at start-up): every revision
runs in one transaction that holds the lock from its start, SQLite's write lock (BEGIN IMMEDIATE)
or a PostgreSQL advisory lock, so a second process waits, then finds the schema current and does
nothing. The transaction is opened before Alembic is configured: Alembic then treats it as the
caller's and does not commit between revisions, which on SQLite (no "transactional DDL" in
Alembic's book) it otherwise would, letting another process read a half-migrated version and
replay the later revisions on top of it.
"""

from alembic import context
from sqlalchemy import Engine, text

from services.gateway.corpus.tables import metadata

MIGRATION_LOCK = 7_215_501  # any constant shared by every Newsflow process

engine: Engine = context.config.attributes["engine"]
with engine.connect() as connection:
    connection.info["write"] = True  # SQLite: BEGIN IMMEDIATE (database.py)
    with connection.begin():
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        context.run_migrations()
