"""Fixtures every test can use: isolated settings, and the database on SQLite and PostgreSQL.

A test that needs an outside service skips on a machine without it, but fails when
BIOVISTA_REQUIRE_SERVICES=1 (as ``scripts/test`` sets in CI), so nothing is skipped silently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from biovista.config import get_settings

POSTGRES_ADMIN_URL = os.environ.get(
    "BIOVISTA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


REDIS_TEST_URL = os.environ.get("BIOVISTA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def require_service(name: str, reason: str) -> None:
    """Skip the test because ``name`` is unavailable, or fail when services are required."""
    message = f"{name} is not available: {reason}"
    if os.environ.get("BIOVISTA_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " (required: BIOVISTA_REQUIRE_SERVICES=1)")
    pytest.skip(message)


@pytest.fixture
def redis_url() -> str:
    """A Redis that answers (database 15 by default: tests never touch others' keys)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        require_service("Redis", str(exc))
    return REDIS_TEST_URL


RABBITMQ_TEST_URL = os.environ.get(
    "BIOVISTA_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//"
)


@pytest.fixture
def rabbitmq_url() -> str:
    """A RabbitMQ broker that answers (Celery's other common broker)."""
    from kombu import Connection

    try:
        with Connection(RABBITMQ_TEST_URL, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:
        require_service("RabbitMQ", str(exc))
    return RABBITMQ_TEST_URL


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test gets its own data directory and the embedded database by default."""
    monkeypatch.setenv("BIOVISTA_DATA_DIR", str(tmp_path / "biovista-data"))
    monkeypatch.delenv("BIOVISTA_DATABASE_URL", raising=False)
    for name in list(os.environ):
        if name.startswith("BIOVISTA_S3_"):
            monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    yield from _throwaway_postgres()


@pytest.fixture(scope="module")
def module_postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database shared by one test module."""
    yield from _throwaway_postgres()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """The metadata database for a whole module, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'metadata.db'}"
    url: str = request.getfixturevalue("module_postgres_url")
    return url


def _throwaway_postgres() -> Iterator[str]:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"biovista_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        require_service("PostgreSQL", str(exc.orig).strip().splitlines()[0])
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        from biovista.db.session import get_engine

        get_engine(url).dispose()
        get_engine.cache_clear()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The metadata database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'metadata.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


pytest_plugins = ["tests.s3_server"]
