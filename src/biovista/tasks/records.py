"""Reading and writing task rows: the one record every process agrees on.

The runner that executes a task is the only writer of its progress and events, so
sequence numbers are taken with a read-modify-write in one transaction. Claiming a task
is an UPDATE guarded by its status, so two runners handed the same task (a requeue racing
a slow worker) never both run it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from biovista.db.models import Task, TaskEvent, as_utc, utcnow
from biovista.models.statuses import TASK_FINISHED, TaskStatus


@dataclass(frozen=True)
class Stale:
    """A task whose worker stopped answering, and what became of it."""

    task_id: uuid.UUID
    kind: str
    requeued: bool


def create_task(
    session: Session,
    kind: str,
    params: dict[str, Any],
    project_id: uuid.UUID | None = None,
    created_by: str | None = None,
    max_attempts: int = 1,
) -> Task:
    task = Task(
        kind=kind,
        params=params,
        project_id=project_id,
        created_by=created_by,
        max_attempts=max_attempts,
    )
    session.add(task)
    session.flush()
    add_event(session, task, "status", TaskStatus.QUEUED)
    return task


def add_event(
    session: Session,
    task: Task | uuid.UUID,
    kind: str,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> TaskEvent:
    """Number the event with one atomic increment: the worker (progress) and the API (a
    cancel request) may add events to the same task at the same moment."""
    task_id = task if isinstance(task, uuid.UUID) else task.id
    seq = session.execute(
        update(Task)
        .where(Task.id == task_id)
        .values(events_count=Task.events_count + 1)
        .returning(Task.events_count)
    ).scalar_one()
    event = TaskEvent(task_id=task_id, seq=seq, kind=kind, message=message)
    event.data = data or {}
    session.add(event)
    return event


def claim(session: Session, task_id: uuid.UUID, worker: str) -> bool:
    """Mark a queued task running for ``worker``; False when it is not queued any more."""
    now = utcnow()
    claimed = session.execute(
        update(Task)
        .where(Task.id == task_id, Task.status == TaskStatus.QUEUED)
        .values(
            status=TaskStatus.RUNNING,
            worker=worker,
            attempts=Task.attempts + 1,
            started_at=now,
            heartbeat_at=now,
            finished_at=None,
            error=None,
        )
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        return False
    task = session.get_one(Task, task_id)
    session.refresh(task)
    add_event(
        session, task, "status", TaskStatus.RUNNING, {"worker": worker, "attempt": task.attempts}
    )
    return True


def finish(
    session: Session,
    task_id: uuid.UUID,
    status: str,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    # A write first: on SQLite a transaction that read before writing can be refused at
    # once ("database is locked") when another writer committed in between.
    add_event(session, task_id, "status", status, {"error": error} if error else {})
    task = session.get_one(Task, task_id)
    task.status, task.finished_at = status, utcnow()
    task.result, task.error = result, error
    if status == TaskStatus.SUCCEEDED and task.progress_total is not None:
        task.progress_done = task.progress_total


def request_cancel(session: Session, task: Task) -> None:
    """A queued task is cancelled at once; a running one is asked to stop."""
    if task.status in TASK_FINISHED:
        return
    task.cancel_requested = True
    if task.status == TaskStatus.QUEUED:
        task.status, task.finished_at = TaskStatus.CANCELLED, utcnow()
        add_event(session, task, "status", TaskStatus.CANCELLED)
    else:
        add_event(session, task, "status", "cancelling")


def events_after(session: Session, task_id: uuid.UUID, after: int, limit: int) -> list[TaskEvent]:
    query = (
        select(TaskEvent)
        .where(TaskEvent.task_id == task_id, TaskEvent.seq > after)
        .order_by(TaskEvent.seq)
        .limit(limit)
    )
    return list(session.scalars(query))


def reap_stale(
    session: Session, stale_after: timedelta, is_dead: Callable[[str], bool] = lambda _: False
) -> list[Stale]:
    """Running tasks silent for longer than ``stale_after``, or whose worker is known to be
    dead (``is_dead``, given the worker's name): queued again or failed."""
    deadline = utcnow() - stale_after
    running = session.scalars(select(Task).where(Task.status == TaskStatus.RUNNING)).all()
    found = [
        task
        for task in running
        if (task.heartbeat_at is None or as_utc(task.heartbeat_at) < deadline)
        or (task.worker is not None and is_dead(task.worker))
    ]
    reaped = []
    for task in found:
        last = task.heartbeat_at.isoformat() if task.heartbeat_at else "never"
        again = task.attempts < task.max_attempts and not task.cancel_requested
        if again:
            task.status, task.worker = TaskStatus.QUEUED, None
            add_event(
                session,
                task,
                "status",
                TaskStatus.QUEUED,
                {"reason": f"worker silent since {last}"},
            )
        else:
            task.status, task.finished_at = TaskStatus.FAILED, utcnow()
            task.error = f"the worker {task.worker or ''} stopped answering (last heartbeat {last})"
            add_event(session, task, "status", TaskStatus.FAILED, {"error": task.error})
        reaped.append(Stale(task.id, task.kind, again))
    return reaped


def queued_since(session: Session, moment: datetime) -> list[uuid.UUID]:
    """Queued tasks created before ``moment``: those a restarted server must hand out again."""
    query = select(Task.id).where(Task.status == TaskStatus.QUEUED, Task.created_at < moment)
    return list(session.scalars(query))
