"""Background tasks as rows, so any process (API, worker, CLI) can see how one is going.

A task's row is the single truth about it: the runner that executes it (threads in the
server, or a Celery worker elsewhere) writes status, progress and a heartbeat there, and
readers never need to reach the runner itself. Log lines and progress steps are events
with a per-task sequence number, so a client can ask for "everything after n".
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from biovista.db.models.base import Base


class Task(Base):
    __tablename__ = "tasks"

    kind: Mapped[str] = mapped_column(String(50), index=True)
    """Which registered handler runs it (``ingest``, ``execution``, ``zip`` ...)."""
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), default=None, index=True
    )
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    """A :class:`~biovista.models.statuses.TaskStatus`."""
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int | None] = mapped_column(Integer, default=None)
    message: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=1)
    """A task whose worker died is queued again until it has been tried this many times."""
    worker: Mapped[str | None] = mapped_column(String(200), default=None)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    events_count: Mapped[int] = mapped_column(Integer, default=0)
    """The sequence number of the newest event."""


class TaskEvent(Base):
    __tablename__ = "task_events"
    __table_args__ = (UniqueConstraint("task_id", "seq"),)

    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    """status, progress or log."""
    message: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
