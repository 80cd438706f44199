"""Engines and sessions; the schema is created and upgraded by Alembic migrations only.

Connection pools are sized by :func:`configure_pool` (the server does it from its settings
before it opens the database): a request that waits for a connection longer than the pool
timeout gets ``sqlalchemy.exc.TimeoutError``, which the API answers as a quick 503, never a
hang.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from biovista.config import Settings


@dataclass(frozen=True)
class PoolLimits:
    """Connections one engine keeps, and how long a caller waits for one."""

    size: int = 40
    timeout: float = 10.0
    sqlite_busy_seconds: float = 30.0

    @classmethod
    def for_settings(cls, settings: Settings) -> PoolLimits:
        """The pool ``settings`` ask for: by default one connection per request at work
        (``max_concurrent_requests``), one per task thread and 4 for the background loops.
        A request may hold a connection while it opens a second one; with more connections
        than threads that can hold one, some thread can always finish, so none waits
        forever (and none waits longer than the timeout)."""
        background = settings.task_workers + 4
        size = settings.db_pool_size or settings.max_concurrent_requests + background
        return cls(size, settings.db_pool_timeout_seconds, settings.sqlite_busy_seconds)


_limits = PoolLimits()


def configure_pool(limits: PoolLimits) -> None:
    """Use ``limits`` for every engine made from now on; engines made with other limits
    are forgotten (their connections close when the last session using them ends)."""
    global _limits
    if limits != _limits:
        _limits = limits
        get_engine.cache_clear()


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine per database URL for the life of the process."""
    limits = _limits
    pool = {"pool_size": limits.size, "max_overflow": 0, "pool_timeout": limits.timeout}
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        # sqlite3's timeout is SQLite's busy timeout: a writer waits this long for the lock.
        engine = create_engine(url, connect_args={"timeout": limits.sqlite_busy_seconds}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, **pool)
    return engine


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    """Foreign keys on (cascades) and WAL, so readers never block the ingest writer."""
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class RecordedFailure(Exception):  # noqa: N818 (a mixin of errors, not an error itself)
    """Mixed into an error whose failure is itself a write that must stand (an upload
    session marked failed): the unit of work that owns the session commits what it holds
    before the error travels on, instead of rolling it back. Services never commit for it."""


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises (but
    commits, then raises, on a :class:`RecordedFailure`)."""
    with open_session(url) as session:
        try:
            yield session
        except RecordedFailure:
            session.commit()
            raise
        except BaseException:
            session.rollback()
            raise
        session.commit()


def open_session(url: str) -> Session:
    """A session the caller commits (each commit ends a transaction and frees its
    connection; a new one begins on the next statement); closing it rolls back the rest."""
    return sessionmaker(get_engine(url), expire_on_commit=False)()
