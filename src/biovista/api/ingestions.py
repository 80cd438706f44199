"""``/api/v1/projects/{name}/ingestions``: start an ingest as a job, and follow it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from biovista.api.deps import CurrentUser, SessionDep, SettingsDep
from biovista.db.models import Ingestion
from biovista.services import ingest_jobs

router = APIRouter(tags=["ingestion"])


class IngestRequest(BaseModel):
    full: bool = False


class IngestionPublic(BaseModel):
    id: uuid.UUID
    status: str
    full: bool
    created_at: datetime
    finished_at: datetime | None
    report: dict[str, Any]


def _public(ingestion: Ingestion) -> IngestionPublic:
    report = {k: v for k, v in ingestion.report.items() if k not in ("host", "pid")}
    return IngestionPublic(
        id=ingestion.id,
        status=ingestion.status,
        full=ingestion.full,
        created_at=ingestion.created_at,
        finished_at=ingestion.finished_at,
        report=report,
    )


@router.post("/projects/{name}/ingestions", response_model=IngestionPublic, status_code=202)
def start(
    name: str,
    body: IngestRequest,
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> IngestionPublic:
    """Ingest the project's new and changed files in the background (editors)."""
    metrics = request.app.state.metrics
    ingestion = ingest_jobs.start_ingest(
        session,
        settings,
        principal,
        name,
        body.full,
        request.app.state.tasks,
        on_done=lambda status: metrics.ingestions.labels(status).inc(),
    )
    return _public(ingestion)


@router.get("/projects/{name}/ingestions", response_model=list[IngestionPublic])
def read_ingestions(
    name: str,
    principal: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[IngestionPublic]:
    """The project's ingestions, newest first."""
    return [_public(i) for i in ingest_jobs.list_ingestions(session, principal, name, limit)]


@router.get("/projects/{name}/ingestions/{ingestion_id}", response_model=IngestionPublic)
def read_ingestion(
    name: str, ingestion_id: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> IngestionPublic:
    return _public(ingest_jobs.get_ingestion(session, principal, name, ingestion_id))
