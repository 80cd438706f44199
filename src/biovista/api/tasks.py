"""``/api/v1/tasks/{id}``: follow any background task (an ingest, an execution, a zip)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from biovista.api.deps import CurrentUser, SessionDep
from biovista.auth.policy import Action
from biovista.db.models import Task, TaskEvent
from biovista.services import tasks

router = APIRouter(tags=["tasks"])


class TaskPublic(BaseModel):
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
    last_event: int
    """The newest event's number: ask ``/events?after=`` it to follow the task."""


class TaskEventPublic(BaseModel):
    seq: int
    at: datetime
    kind: str
    message: str
    data: dict[str, Any]


def public(task: Task) -> TaskPublic:
    return TaskPublic(
        id=task.id,
        kind=task.kind,
        status=task.status,
        progress_done=task.progress_done,
        progress_total=task.progress_total,
        message=task.message,
        result=task.result,
        error=task.error,
        attempts=task.attempts,
        max_attempts=task.max_attempts,
        cancel_requested=task.cancel_requested,
        created_at=task.created_at,
        started_at=task.started_at,
        finished_at=task.finished_at,
        heartbeat_at=task.heartbeat_at,
        last_event=task.events_count,
    )


def _event(event: TaskEvent) -> TaskEventPublic:
    return TaskEventPublic(
        seq=event.seq, at=event.created_at, kind=event.kind, message=event.message, data=event.data
    )


@router.get("/tasks/{task_id}", response_model=TaskPublic)
def read_task(task_id: uuid.UUID, principal: CurrentUser, session: SessionDep) -> TaskPublic:
    return public(tasks.get_task(session, principal, task_id, Action.VIEW))


@router.get("/tasks/{task_id}/events", response_model=list[TaskEventPublic])
def read_events(
    task_id: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    after: int = Query(0, ge=0, description="Only events numbered above this"),
    limit: int = Query(200, ge=1, le=tasks.MAX_EVENTS),
) -> list[TaskEventPublic]:
    """Status changes, progress steps and log lines, oldest first."""
    return [_event(e) for e in tasks.task_events(session, principal, task_id, after, limit)]


@router.post("/tasks/{task_id}/cancel", response_model=TaskPublic, status_code=202)
def cancel(task_id: uuid.UUID, principal: CurrentUser, session: SessionDep) -> TaskPublic:
    """A queued task is cancelled at once; a running one stops at its next check."""
    return public(tasks.cancel_task(session, principal, task_id))
