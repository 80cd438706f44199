"""Migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from biovista.db.migrate import HEAD, current_revision, downgrade, upgrade
from biovista.db.models import Base
from biovista.db.session import get_engine

TABLES = {
    "projects",
    "collections",
    "runs",
    "source_files",
    "ingestions",
    "users",
    "refresh_tokens",
    "api_tokens",
    "groups",
    "group_members",
    "group_invitations",
    "project_grants",
    "dashboards",
    "tasks",
    "task_events",
    "workflows",
    "executions",
    "execution_jobs",
    "output_files",
    "sample_types",
    "samples",
    "sample_files",
    "upload_sessions",
    "alembic_version",
}


def test_upgrade_creates_every_table(database_url: str) -> None:
    upgrade(database_url)
    assert set(inspect(get_engine(database_url)).get_table_names()) == TABLES
    assert current_revision(database_url) == HEAD


def test_migrations_match_the_models(database_url: str) -> None:
    upgrade(database_url)
    with get_engine(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_twice_is_a_no_op(database_url: str) -> None:
    upgrade(database_url)
    upgrade(database_url)
    assert current_revision(database_url) == HEAD


def test_downgrade_to_base_and_back(database_url: str) -> None:
    upgrade(database_url)
    downgrade(database_url, "base")
    assert set(inspect(get_engine(database_url)).get_table_names()) <= {"alembic_version"}
    assert current_revision(database_url) is None
    upgrade(database_url)
    assert current_revision(database_url) == HEAD


def test_concurrent_upgrades_both_succeed(database_url: str) -> None:
    errors: list[BaseException] = []

    def migrate() -> None:
        try:
            upgrade(database_url)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=migrate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert current_revision(database_url) == HEAD


def test_head_constant_is_the_newest_revision() -> None:
    from alembic.script import ScriptDirectory

    from biovista.db.migrate import HEAD, _config

    assert ScriptDirectory.from_config(_config()).get_current_head() == HEAD
