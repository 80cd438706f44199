"""Running one task, whichever process picked it up.

Handlers are registered by kind in the service modules that own the work; a worker
process imports those modules on first use, so a Celery worker and the embedded server
know the same handlers without a second list to keep in step.
"""

from __future__ import annotations

import importlib
import logging
import os
import socket
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.db.task_models import Task
from biovista.errors import BiovistaError
from biovista.models.statuses import TaskStatus
from biovista.tasks import records
from biovista.tasks.context import TaskCancelledError, TaskContext

Handler = Callable[[TaskContext], dict[str, Any] | None]

HANDLER_MODULES = (
    "biovista.services.ingest.task",
    "biovista.services.workflows.run",
    "biovista.services.samples.zips",
)
"""Modules that register handlers; imported (when present) before the first task runs."""

_handlers: dict[str, Handler] = {}
_log = logging.getLogger("biovista.tasks")


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        _handlers[kind] = function
        return function

    return register


def handler_for(kind: str, extra_modules: Sequence[str] = ()) -> Handler:
    if kind not in _handlers:
        for module in (*HANDLER_MODULES, *extra_modules):
            try:
                importlib.import_module(module)
            except ModuleNotFoundError as exc:
                if exc.name != module:
                    raise
    if kind not in _handlers:
        raise BiovistaError(f"no task handler for {kind!r}")
    return _handlers[kind]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def execute(settings: Settings, task_id: uuid.UUID) -> str:
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
        result = handler_for(kind, settings.task_modules)(context)
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
