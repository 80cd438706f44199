"""Ingestion as a tracked job: the API records it, answers at once, and a task runs it."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import literal, select, tuple_
from sqlalchemy.orm import Session

from biovista.auth.policy import Action, Principal, authorize_project
from biovista.config import Settings
from biovista.db.models import Ingestion, utcnow
from biovista.db.session import session_scope
from biovista.errors import BiovistaError, InvalidInputError, NotFoundError
from biovista.models.loader import load_project
from biovista.models.statuses import IngestionStatus
from biovista.tasks import TaskContext, TaskRunner, enqueue


def start_ingest(
    session: Session,
    settings: Settings,
    principal: Principal,
    project_name: str,
    full: bool,
    runner: TaskRunner,
) -> Ingestion:
    """Queue an ingest of the project's server-side data (editors and owners)."""
    project = authorize_project(session, principal, project_name, Action.EDIT)
    if not project.source_path or not Path(project.source_path).is_file():
        raise InvalidInputError(f"project {project_name!r} has no project file on the server")
    ingestion = queue_ingestion(session, project.id, full, str(principal.user_id))
    session.commit()  # the task must find the queued row
    enqueue_ingest(settings, runner, ingestion, Path(project.source_path))
    return ingestion


def queue_ingestion(
    session: Session, project_id: uuid.UUID, full: bool, created_by: str | None
) -> Ingestion:
    ingestion = Ingestion(
        project_id=project_id, full=full, status=IngestionStatus.QUEUED, created_by=created_by
    )
    session.add(ingestion)
    session.flush()
    return ingestion


def enqueue_ingest(
    settings: Settings, runner: TaskRunner, ingestion: Ingestion, source: Path
) -> uuid.UUID:
    params = {"ingestion_id": str(ingestion.id), "source": str(source), "full": ingestion.full}
    return enqueue(
        settings,
        runner,
        "ingest",
        params,
        project_id=ingestion.project_id,
        created_by=ingestion.created_by,
    )


def ingest_task(context: TaskContext) -> dict[str, Any]:
    """The ``ingest`` task: run the queued ingestion named in the params."""
    params = context.params
    ingestion_id = uuid.UUID(params["ingestion_id"])
    status = run_ingestion(context.settings, Path(params["source"]), params["full"], ingestion_id)
    if status == IngestionStatus.FAILED:
        raise BiovistaError(f"ingestion {ingestion_id} failed")
    return {"ingestion_id": str(ingestion_id), "status": status}


def run_ingestion(settings: Settings, source: Path, full: bool, ingestion_id: uuid.UUID) -> str:
    """Ingest the project into the queued ``Ingestion``; answers how it ended."""
    from biovista.services.ingest.run import ingest_project

    try:
        return ingest_project(load_project(source), settings, full=full, queued=ingestion_id).status
    except BiovistaError as exc:
        with session_scope(settings.resolved_database_url) as session:
            ingestion = session.get_one(Ingestion, ingestion_id)
            ingestion.status, ingestion.finished_at = IngestionStatus.FAILED, utcnow()
            ingestion.report = {"error": str(exc)}
        return IngestionStatus.FAILED


def list_ingestions(
    session: Session,
    principal: Principal,
    project_name: str,
    limit: int = 50,
    before: tuple[datetime, uuid.UUID] | None = None,
) -> list[Ingestion]:
    """Newest first (those older than ``before``: its creation time and id)."""
    project = authorize_project(session, principal, project_name, Action.VIEW)
    query = (
        select(Ingestion)
        .where(Ingestion.project_id == project.id)
        .order_by(Ingestion.created_at.desc(), Ingestion.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(
            tuple_(Ingestion.created_at, Ingestion.id)
            < tuple_(literal(before[0]), literal(before[1]))
        )
    return list(session.scalars(query))


def get_ingestion(
    session: Session, principal: Principal, project_name: str, ingestion_id: uuid.UUID
) -> Ingestion:
    project = authorize_project(session, principal, project_name, Action.VIEW)
    ingestion = session.get(Ingestion, ingestion_id)
    if ingestion is None or ingestion.project_id != project.id:
        raise NotFoundError(f"project {project_name!r} has no ingestion {ingestion_id}")
    return ingestion
