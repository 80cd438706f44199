"""Every lifecycle state biovista records, and which of them are final, in one place.

The database stores these as the plain strings they are equal to (``StrEnum``), so rows
written before the enums existed read back unchanged and no column changed type. Code that
asks "is it still going?" uses the sets here, never a tuple of words of its own: a state
added later then needs adding once.
"""

from __future__ import annotations

from enum import StrEnum


class IngestionStatus(StrEnum):
    """An ingest of a project (``ingestions.status``)."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"
    """Some collections or files failed; the rest were written."""
    FAILED = "failed"
    INTERRUPTED = "interrupted"
    """The process died mid-way; the row was closed when the server next started."""


class TaskStatus(StrEnum):
    """A background task (``tasks.status``)."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ExecutionStatus(StrEnum):
    """A workflow execution (``executions.status``)."""

    QUEUED = "queued"
    RUNNING = "running"
    INGESTING = "ingesting"
    """The engine finished; its outputs are being ingested into the project."""
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class JobStatus(StrEnum):
    """One job of an execution, as the engine reports it (``execution_jobs.status``)."""

    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CACHED = "cached"
    """Not run again: the engine reused an earlier result."""
    CANCELLED = "cancelled"


class UploadStatus(StrEnum):
    """A resumable upload (``upload_sessions.status``)."""

    OPEN = "open"
    COMPLETE = "complete"
    FAILED = "failed"


INGESTION_ACTIVE = frozenset({IngestionStatus.QUEUED, IngestionStatus.RUNNING})
TASK_ACTIVE = frozenset({TaskStatus.QUEUED, TaskStatus.RUNNING})
TASK_FINISHED = frozenset(TaskStatus) - TASK_ACTIVE
EXECUTION_ACTIVE = frozenset(
    {ExecutionStatus.QUEUED, ExecutionStatus.RUNNING, ExecutionStatus.INGESTING}
)
EXECUTION_FINISHED = frozenset(ExecutionStatus) - EXECUTION_ACTIVE
JOB_ACTIVE = frozenset({JobStatus.PENDING, JobStatus.RUNNING})
JOB_FINISHED = frozenset(JobStatus) - JOB_ACTIVE
JOB_DONE = frozenset({JobStatus.SUCCEEDED, JobStatus.CACHED})
"""The jobs that count towards an execution's progress."""
