"""Placeholder until the Alembic migrations land: creates the schema from the models."""

from __future__ import annotations

from biovista.db.models import Base
from biovista.db.session import get_engine

_done: set[str] = set()


def ensure_schema(url: str) -> None:
    if url not in _done:
        Base.metadata.create_all(get_engine(url))
        _done.add(url)
