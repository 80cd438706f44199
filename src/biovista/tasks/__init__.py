"""Background work behind one interface: threads in the server, or Celery workers.

A task is a row first (``biovista.db.models.Task``) and a message second: ``enqueue``
commits the row, then hands its id to the runner. Whichever process runs it records
status, progress, log lines and heartbeats there, so the API reads one place whether the
work runs in a thread next to it or in a ``biovista worker`` on another machine.
"""

from __future__ import annotations

import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol

from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.tasks import records
from biovista.tasks.context import TaskCancelledError, TaskContext
from biovista.tasks.execute import Handler, Handlers, execute

__all__ = [
    "CeleryRunner",
    "Handler",
    "Handlers",
    "TaskCancelledError",
    "TaskContext",
    "TaskRunner",
    "ThreadRunner",
    "enqueue",
    "runner_for",
]


class TaskRunner(Protocol):
    def submit(self, task_id: uuid.UUID) -> None: ...

    def shutdown(self) -> None: ...


class ThreadRunner:
    """Runs tasks in this process, ``task_workers`` at a time, in submission order."""

    def __init__(self, settings: Settings, handlers: Handlers) -> None:
        self.settings = settings
        self.handlers = handlers
        self._pool = ThreadPoolExecutor(
            max_workers=settings.task_workers, thread_name_prefix="biovista-task"
        )
        self.running: dict[uuid.UUID, Future[str]] = {}

    def submit(self, task_id: uuid.UUID) -> None:
        future = self._pool.submit(execute, self.settings, self.handlers, task_id)
        self.running[task_id] = future
        future.add_done_callback(lambda _: self.running.pop(task_id, None))

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)


class CeleryRunner:
    """Sends each task's id to the Celery queue that ``biovista worker`` reads."""

    def __init__(self, settings: Settings) -> None:
        from biovista.tasks.celery_app import celery_app

        self.settings = settings
        self._app = celery_app(settings)

    def submit(self, task_id: uuid.UUID) -> None:
        self._app.send_task("biovista.execute", args=[str(task_id)], queue=self.settings.task_queue)

    def shutdown(self) -> None:
        self._app.close()


def runner_for(settings: Settings, handlers: Handlers) -> TaskRunner:
    """Celery when a broker is set (its workers know the handlers), else threads here."""
    return CeleryRunner(settings) if settings.task_broker_url else ThreadRunner(settings, handlers)


def enqueue(
    settings: Settings,
    runner: TaskRunner,
    kind: str,
    params: dict[str, Any],
    project_id: uuid.UUID | None = None,
    created_by: str | None = None,
    max_attempts: int = 1,
) -> uuid.UUID:
    """Record a task and hand it to the runner; answers its id at once."""
    with session_scope(settings.resolved_database_url) as session:
        task = records.create_task(session, kind, params, project_id, created_by, max_attempts)
        task_id = task.id
    runner.submit(task_id)
    return task_id
