"""Who may see and stop a background task.

A task of a project follows the project's roles (viewers read it, editors cancel it); a
task of no project belongs to whoever started it, and to admins. Strangers are told the
task does not exist, as for projects.
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from biovista.auth.policy import NEEDED_SCOPE, Action, Principal, authorize_project, project_role
from biovista.db.models import Project, Task, TaskEvent
from biovista.errors import NotFoundError
from biovista.tasks import records

MAX_EVENTS = 1000


def get_task(session: Session, principal: Principal, task_id: uuid.UUID, action: Action) -> Task:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFoundError(f"no task {task_id}")
    if task.project_id is None:
        if not principal.is_admin and task.created_by != str(principal.user_id):
            raise NotFoundError(f"no task {task_id}")
        principal.require_scope(NEEDED_SCOPE[action])
        return task
    if project_role(session, principal, task.project_id) is None:
        raise NotFoundError(f"no task {task_id}")  # the project's name stays unknown to them
    authorize_project(session, principal, session.get_one(Project, task.project_id).name, action)
    return task


def task_events(
    session: Session, principal: Principal, task_id: uuid.UUID, after: int, limit: int
) -> list[TaskEvent]:
    """Events after sequence number ``after``: a client follows a task by asking again with
    the last number it saw."""
    get_task(session, principal, task_id, Action.VIEW)
    return records.events_after(session, task_id, after, min(limit, MAX_EVENTS))


def cancel_task(session: Session, principal: Principal, task_id: uuid.UUID) -> Task:
    task = get_task(session, principal, task_id, Action.EDIT)
    records.request_cancel(session, task)
    return task
