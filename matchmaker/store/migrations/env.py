"""Alembic environment: runs matchmaker's migrations on the connection it is given."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from matchmaker.store.tables import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only used by the alembic command line
    from sqlalchemy import create_engine

    url = context.config.get_main_option("sqlalchemy.url") or "sqlite:///matchmaker.db"
    with create_engine(url).connect() as conn:
        _run(conn)
else:
    _run(connection)
