"""Create and upgrade the metadata database with the Alembic migrations in the package.

Every command that touches the database calls :func:`ensure_schema` first, so a new
database, or one left by an older biovista, is brought up to date without a manual step.
Developers make a new revision with::

    python -m biovista.db.migrate revision "add a column to projects"
"""

from __future__ import annotations

import fcntl
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, text

from biovista.db.session import get_engine

MIGRATIONS = Path(__file__).with_name("migrations")
LOCK_KEY = 0x62696F76  # PostgreSQL advisory lock id: two processes never migrate at once

_migrated: set[str] = set()


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply every migration up to ``revision``; a no-op when already there.

    Two processes starting at once must not both migrate: PostgreSQL serialises them with
    an advisory lock; SQLite (whose writers would otherwise deadlock) with a file lock."""
    engine = get_engine(url)
    with _sqlite_lock(url), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        command.upgrade(_config(connection), revision)


@contextmanager
def _sqlite_lock(url: str) -> Iterator[None]:
    if not url.startswith("sqlite:///"):
        yield
        return
    lock_path = Path(url.removeprefix("sqlite:///") + ".migrate-lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def downgrade(url: str, revision: str) -> None:
    with get_engine(url).begin() as connection:
        command.downgrade(_config(connection), revision)
    _migrated.discard(url)


def current_revision(url: str) -> str | None:
    with get_engine(url).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_schema(url: str) -> None:
    """Upgrade once per process and database: cheap to call before every operation."""
    if url not in _migrated:
        upgrade(url)
        _migrated.add(url)


def _new_revision(message: str) -> None:
    """Autogenerate a revision against a scratch SQLite database at the current head."""
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/scratch.db"
        upgrade(url)
        with get_engine(url).begin() as connection:
            command.revision(_config(connection), message=message, autogenerate=True)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "revision":
        sys.exit('usage: python -m biovista.db.migrate revision "message"')
    _new_revision(sys.argv[2])
