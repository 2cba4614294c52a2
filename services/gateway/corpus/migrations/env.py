"""Alembic's entry point: runs migrations on the engine ``database.upgrade`` passes in.

Serialised across processes (the gateway and every collector migrate at start-up): SQLite's
transaction takes the write lock at BEGIN, PostgreSQL's takes an advisory lock first, so a second
process waits, then finds the schema current and does nothing.
"""

from alembic import context
from sqlalchemy import Engine, text

from services.gateway.corpus.tables import metadata

MIGRATION_LOCK = 7_215_501  # any constant shared by every Newsflow process

engine: Engine = context.config.attributes["engine"]
with engine.connect() as connection:
    connection.info["write"] = True  # SQLite: BEGIN IMMEDIATE (database.py)
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
        context.run_migrations()
    connection.commit()
