"""Why a query case is slow: its slowest call's statements, explained by the database.

PostgreSQL gets ``EXPLAIN (ANALYZE, BUFFERS)`` (runs the statement again, with its parameters);
SQLite ``EXPLAIN QUERY PLAN``. Only reading statements are explained.
"""

from collections.abc import Sequence

from sqlalchemy import Engine

from bench.corpus_queries import Statement


def explain(engine: Engine, statements: Sequence[Statement]) -> list[str]:
    """One plan text per SELECT of ``statements``, the statement first."""
    out = []
    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if engine.dialect.name == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    with engine.connect() as conn:
        for statement in statements:
            if not statement.sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            rows = conn.exec_driver_sql(prefix + statement.sql, statement.parameters).all()
            plan = "\n".join(" | ".join(str(c) for c in row) for row in rows)
            out.append(f"{statement.sql}\n-- parameters: {statement.parameters!r}\n{plan}")
    return out
