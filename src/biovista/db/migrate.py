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
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

from biovista.db.session import get_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0006"
"""The newest revision. Checked with plain SQL at start-up so that Alembic (slow to import)
is loaded only when an upgrade is due; tests/db/test_migrate.py keeps it equal to the
newest file in migrations/versions."""
LOCK_KEY = 0x62696F76  # PostgreSQL advisory lock id: two processes never migrate at once

_migrated: set[str] = set()


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply every migration up to ``revision``; a no-op when already there.

    Two processes starting at once must not both migrate: PostgreSQL serialises them with
    an advisory lock; SQLite (whose writers would otherwise deadlock) with a file lock."""
    from alembic import command

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
    from alembic import command

    with get_engine(url).begin() as connection:
        command.downgrade(_config(connection), revision)
    _migrated.discard(url)


def current_revision(url: str) -> str | None:
    """The revision the database is at (None for a new, empty database)."""
    with get_engine(url).connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ensure_schema(url: str) -> None:
    """Upgrade once per process and database: cheap to call before every operation."""
    if url in _migrated:
        return
    if current_revision(url) != HEAD:
        upgrade(url)
    _migrated.add(url)


def _new_revision(message: str) -> None:
    """Autogenerate a revision against a scratch SQLite database at the current head."""
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/scratch.db"
        upgrade(url)
        with get_engine(url).begin() as connection:
            from alembic import command

            command.revision(_config(connection), message=message, autogenerate=True)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "revision":
        sys.exit('usage: python -m biovista.db.migrate revision "message"')
    _new_revision(sys.argv[2])
