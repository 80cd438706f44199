"""Running one task, whichever process picked it up.

Which function runs a kind of task is a table (:data:`Handlers`) that the process's
runtime builds from imports (``biovista.runtime.handlers_for``) and hands to its runner,
so a Celery worker and the embedded server know the same handlers from one list, and
nothing is found by importing a module named as a string.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import biovista.tasks.records as records
from biovista.config import Settings
from biovista.db.models import Task
from biovista.db.session import session_scope
from biovista.errors import BiovistaError
from biovista.models.statuses import TaskStatus
from biovista.tasks.context import TaskCancelledError, TaskContext

Handler = Callable[[TaskContext], dict[str, Any] | None]

Handlers = Mapping[str, Handler]
"""Task kind → the function that runs it."""

_log = logging.getLogger("biovista.tasks")


def handler_for(handlers: Handlers, kind: str) -> Handler:
    found = handlers.get(kind)
    if found is None:
        raise BiovistaError(f"no task handler for {kind!r}")
    return found


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def execute(settings: Settings, handlers: Handlers, task_id: uuid.UUID) -> str:
    """Claim the task and run it to the end; answers the status it ended with.

    A task that is not queued (cancelled meanwhile, or claimed by another worker) is left
    alone. Expected failures (``BiovistaError``) keep their message; anything else is
    recorded with its type, so the row never stays "running"."""
    url = settings.resolved_database_url
    with session_scope(url) as session:
        if not records.claim(session, task_id, worker_name()):
            return "skipped"
        task = session.get_one(Task, task_id)
        kind, params = task.kind, dict(task.params)
    context = TaskContext(settings, task_id, params)
    context.start_heartbeat()
    status, result, error = TaskStatus.FAILED, None, None
    try:
        result = handler_for(handlers, kind)(context)
        status = TaskStatus.CANCELLED if context.cancelled() else TaskStatus.SUCCEEDED
    except TaskCancelledError:
        status = TaskStatus.CANCELLED
    except BiovistaError as exc:
        error = str(exc)
    except Exception as exc:
        _log.exception("task %s (%s) failed", task_id, kind)
        error = f"{type(exc).__name__}: {exc}"
    finally:
        context.stop_heartbeat()
        with session_scope(url) as session:
            records.finish(session, task_id, status, result, error)
    return status
