"""``/api/v1/tasks/{id}``: follow any background task (an ingest, an execution, a zip)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from biovista.api.deps import CurrentUser, SessionDep
from biovista.auth.policy import Action
from biovista.services import tasks

router = APIRouter(tags=["tasks"])


class TaskPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    status: str
    progress_done: int
    progress_total: int | None
    message: str
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    max_attempts: int
    cancel_requested: bool
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None
    last_event: int = Field(validation_alias="events_count")
    """The newest event's number: ask ``/events?after=`` it to follow the task."""


class TaskEventPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime = Field(validation_alias="created_at")
    kind: str
    message: str
    data: dict[str, Any]


@router.get("/tasks/{task_id}", response_model=TaskPublic)
def read_task(task_id: uuid.UUID, principal: CurrentUser, session: SessionDep) -> TaskPublic:
    return TaskPublic.model_validate(tasks.get_task(session, principal, task_id, Action.VIEW))


@router.get("/tasks/{task_id}/events", response_model=list[TaskEventPublic])
def read_events(
    task_id: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    after: int = Query(0, ge=0, description="Only events numbered above this"),
    limit: int = Query(200, ge=1, le=tasks.MAX_EVENTS),
) -> list[TaskEventPublic]:
    """Status changes, progress steps and log lines, oldest first."""
    return [
        TaskEventPublic.model_validate(e)
        for e in tasks.task_events(session, principal, task_id, after, limit)
    ]


@router.post("/tasks/{task_id}/cancel", response_model=TaskPublic, status_code=202)
def cancel(task_id: uuid.UUID, principal: CurrentUser, session: SessionDep) -> TaskPublic:
    """A queued task is cancelled at once; a running one stops at its next check."""
    return TaskPublic.model_validate(tasks.cancel_task(session, principal, task_id))
