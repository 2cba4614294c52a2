"""Alembic's entry point: runs migrations on the engine ``database.upgrade`` passes in."""

from alembic import context
from sqlalchemy import Engine

from services.gateway.corpus.tables import metadata

engine: Engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
