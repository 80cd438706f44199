"""The unit of work: committed on success, rolled back on an error, except that a
``RecordedFailure`` (a failure that is itself a write) is committed before it travels on."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from biovista.db.migrate import upgrade
from biovista.db.models import Ingestion, Project
from biovista.db.session import RecordedFailure, session_scope
from biovista.errors import ConflictError
from biovista.models.statuses import IngestionStatus


class RecordedConflictError(ConflictError, RecordedFailure):
    pass


def names(url: str) -> list[str]:
    with session_scope(url) as session:
        return list(session.scalars(select(Project.name).order_by(Project.name)))


def test_an_error_rolls_back_but_a_recorded_failure_is_kept(database_url: str) -> None:
    upgrade(database_url)
    with pytest.raises(ConflictError), session_scope(database_url) as session:
        session.add(Project(name="rolled-back", config={}))
        session.flush()
        raise ConflictError("no")
    with pytest.raises(RecordedConflictError), session_scope(database_url) as session:
        session.add(Project(name="kept", config={}))
        raise RecordedConflictError("the failure is the record")
    with session_scope(database_url) as session:
        session.add(Project(name="plain", config={}))
    assert names(database_url) == ["kept", "plain"]


def test_a_status_enum_is_stored_as_its_word(database_url: str) -> None:
    upgrade(database_url)
    with session_scope(database_url) as session:
        project = Project(name="p", config={})
        session.add(project)
        session.flush()
        session.add(Ingestion(project_id=project.id, status=IngestionStatus.PARTIAL))
    with session_scope(database_url) as session:
        stored = session.scalars(select(Ingestion.status)).one()
        assert type(stored) is str and stored == "partial"
        found = select(Ingestion).where(Ingestion.status == IngestionStatus.PARTIAL)
        assert session.scalars(found).one() is not None
