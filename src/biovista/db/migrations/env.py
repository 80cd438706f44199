"""Alembic environment: runs migrations on the connection that ``biovista.db.migrate`` passes.

``Base`` comes from the models package, whose ``__init__`` imports every domain module: the
metadata autogenerate compares with the database has every table.
"""

from __future__ import annotations

from alembic import context

from biovista.db.models import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
