"""``/api/v1/projects/{name}/ingestions``: start an ingest as a job, and follow it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from biovista.api.deps import CurrentUser, SessionDep, SettingsDep
from biovista.api.pagination import Cursor, Limit, decode_cursor, finish_page
from biovista.db.models import Ingestion
from biovista.errors import InvalidInputError
from biovista.services.ingest import task as ingest_jobs

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
    ingestion = ingest_jobs.start_ingest(
        session, settings, principal, name, body.full, request.app.state.tasks
    )
    return _public(ingestion)


@router.get("/projects/{name}/ingestions", response_model=list[IngestionPublic])
def read_ingestions(
    name: str,
    principal: CurrentUser,
    session: SessionDep,
    request: Request,
    response: Response,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> list[IngestionPublic]:
    """The project's ingestions, newest first."""
    key = decode_cursor(cursor)
    before = _before(key) if key else None
    found = ingest_jobs.list_ingestions(session, principal, name, limit + 1, before)
    page = finish_page(found, limit, lambda i: [i.created_at.isoformat(), i.id], request, response)
    return [_public(i) for i in page]


def _before(key: list[Any]) -> tuple[datetime, uuid.UUID]:
    try:
        return datetime.fromisoformat(str(key[0])), uuid.UUID(str(key[1]))
    except (ValueError, IndexError):
        raise InvalidInputError("cursor is not one this server gave out") from None


@router.get("/projects/{name}/ingestions/{ingestion_id}", response_model=IngestionPublic)
def read_ingestion(
    name: str, ingestion_id: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> IngestionPublic:
    return _public(ingest_jobs.get_ingestion(session, principal, name, ingestion_id))
