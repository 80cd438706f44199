"""What a running task sees: a way to report progress and log lines, and to learn it
should stop. A heartbeat thread keeps the row's ``heartbeat_at`` fresh and brings back
cancel requests, so handlers never poll the database themselves."""

from __future__ import annotations

import threading
import uuid
from typing import Any

from sqlalchemy import select, update

from biovista.config import Settings
from biovista.db.models import Task, utcnow
from biovista.db.session import session_scope
from biovista.tasks.records import add_event

CANCEL_POLL_SECONDS = 1.0


class TaskCancelledError(Exception):
    """Raised by a handler (or ``TaskContext.check``) that stops because it was asked to."""


class TaskContext:
    def __init__(self, settings: Settings, task_id: uuid.UUID, params: dict[str, Any]) -> None:
        self.settings = settings
        self.task_id = task_id
        self.params = params
        self._cancel = threading.Event()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    @property
    def url(self) -> str:
        return self.settings.resolved_database_url

    def progress(self, done: int, total: int | None = None, message: str = "") -> None:
        values: dict[str, Any] = {"progress_done": done, "progress_total": total}
        if message:
            values["message"] = message
        with session_scope(self.url) as session:
            session.execute(update(Task).where(Task.id == self.task_id).values(**values))
            add_event(session, self.task_id, "progress", message, {"done": done, "total": total})

    def log(self, text: str) -> None:
        with session_scope(self.url) as session:
            add_event(session, self.task_id, "log", text)

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise TaskCancelledError("cancelled on request")

    def wait(self, seconds: float) -> bool:
        """Sleep, waking early (and answering True) when the task is cancelled."""
        return self._cancel.wait(seconds)

    def start_heartbeat(self) -> None:
        self._beat = threading.Thread(
            target=self._heartbeat, name=f"heartbeat-{self.task_id}", daemon=True
        )
        self._beat.start()

    def stop_heartbeat(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)

    def _heartbeat(self) -> None:
        """Beat every ``task_heartbeat_seconds``; look for a cancel request every second."""
        interval, last = self.settings.task_heartbeat_seconds, 0.0
        while not self._stop.wait(CANCEL_POLL_SECONDS):
            last += CANCEL_POLL_SECONDS
            try:
                with session_scope(self.url) as session:
                    if last >= interval:
                        last = 0.0
                        session.execute(
                            update(Task)
                            .where(Task.id == self.task_id)
                            .values(heartbeat_at=utcnow())
                        )
                    asked = session.scalar(
                        select(Task.cancel_requested).where(Task.id == self.task_id)
                    )
                if asked:
                    self._cancel.set()
            except Exception:  # a missed beat is retried on the next turn; the task goes on
                continue
