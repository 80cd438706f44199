"""The metadata model's constraints and types hold on both databases."""

from __future__ import annotations

import subprocess
import sys
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from biovista.db.migrate import upgrade
from biovista.db.models import Base, Collection, Ingestion, Project, Run, SourceFile
from biovista.db.session import session_scope


def make_project(url: str, name: str = "p") -> uuid.UUID:
    with session_scope(url) as session:
        project = Project(name=name, config={"name": name, "nested": {"a": [1, 2, {"b": None}]}})
        session.add(project)
        session.flush()
        collection = Collection(project_id=project.id, name="c", table_key="k")
        run = Run(project_id=project.id, name="run_1", attributes={"run": "1"})
        ingestion = Ingestion(project_id=project.id)
        session.add_all([collection, run, ingestion])
        session.flush()
        session.add(
            SourceFile(
                collection_id=collection.id,
                run_id=run.id,
                ingestion_id=ingestion.id,
                path="run_1/a.csv",
                size=1,
                mtime_ns=2,
                sha256="0" * 64,
                row_count=3,
            )
        )
        return project.id


def test_deleting_a_project_cascades(database_url: str) -> None:
    upgrade(database_url)
    project_id = make_project(database_url)
    with session_scope(database_url) as session:
        session.delete(session.get_one(Project, project_id))
    with session_scope(database_url) as session:
        for model in (Collection, Run, SourceFile, Ingestion):
            assert session.scalar(select(func.count()).select_from(model)) == 0


@pytest.mark.parametrize(
    "duplicate",
    [
        lambda s, pid: Project(name="p", config={}),
        lambda s, pid: Collection(project_id=pid, name="c", table_key="other"),
        lambda s, pid: Run(project_id=pid, name="run_1"),
    ],
    ids=["project name", "collection per project", "run per project"],
)
def test_unique_constraints(database_url: str, duplicate: object) -> None:
    upgrade(database_url)
    project_id = make_project(database_url)
    with pytest.raises(IntegrityError), session_scope(database_url) as session:
        session.add(duplicate(session, project_id))  # type: ignore[operator]
        session.flush()


def test_file_path_unique_per_collection(database_url: str) -> None:
    upgrade(database_url)
    make_project(database_url)
    with pytest.raises(IntegrityError), session_scope(database_url) as session:
        collection = session.scalars(select(Collection)).one()
        session.add(
            SourceFile(
                collection_id=collection.id,
                path="run_1/a.csv",
                size=1,
                mtime_ns=1,
                sha256="1" * 64,
                row_count=1,
            )
        )
        session.flush()


def test_json_uuid_and_aware_datetimes_round_trip(database_url: str) -> None:
    upgrade(database_url)
    project_id = make_project(database_url)
    with session_scope(database_url) as session:
        project = session.get_one(Project, project_id)
        assert project.config == {"name": "p", "nested": {"a": [1, 2, {"b": None}]}}
        assert isinstance(project.id, uuid.UUID)
        created = project.created_at
        if created.tzinfo is None:  # SQLite stores no zone: values are written in UTC
            created = created.replace(tzinfo=UTC)
        assert abs((datetime.now(UTC) - created).total_seconds()) < 60


@pytest.mark.parametrize("module", ["tasks", "workflows", "dashboards", "base"])
def test_one_domain_module_brings_every_table(module: str) -> None:
    """A process that imports only one domain module (a worker that only runs tasks) still
    has every table and mapper, so cross-domain foreign keys and relationships resolve."""
    script = (
        "import importlib, sqlalchemy.orm as orm\n"
        f"m = importlib.import_module('biovista.db.models.{module}')\n"
        "orm.configure_mappers()\n"
        "print(*sorted(m.Base.metadata.tables))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == sorted(Base.metadata.tables)
    assert len(Base.metadata.tables) == 23
