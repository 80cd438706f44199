"""Workflows, their executions and jobs, and the files they leave for ingestion.

Lineage lives here: every file an execution leaves for ingestion is an ``OutputFile``
naming the execution, the job and the samples behind it; an ingested row carries its
source file's path (the ``_file`` column), which leads back through this table.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from biovista.db.models.base import Base


class Workflow(Base):
    __tablename__ = "workflows"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    engine: Mapped[str] = mapped_column(String(20))
    """snakemake or nextflow."""
    source: Mapped[str] = mapped_column(Text)
    """The folder or git URL it was registered from."""
    revision: Mapped[str | None] = mapped_column(String(64), default=None)
    """The git commit checked out, for a workflow registered from git."""
    path: Mapped[str] = mapped_column(Text)
    """Where the server keeps its copy."""
    description: Mapped[str] = mapped_column(Text, default="")
    parameters: Mapped[list[Any]] = mapped_column(JSON, default=list)
    """The config schema: typed parameters with defaults and descriptions."""
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), default=None
    )
    """The project its outputs are ingested into."""
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The workflow's ``biovista-workflow.yaml``, as read at registration."""


class Execution(Base):
    __tablename__ = "executions"

    workflow_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"))
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"), default=None, index=True
    )
    task_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("tasks.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[str] = mapped_column(String(20), default="queued")
    """An :class:`~biovista.models.statuses.ExecutionStatus`."""
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    samples: Mapped[list[Any]] = mapped_column(JSON, default=list)
    """The sample sheet it ran on: one object per sample (name, type, metadata, files)."""
    workdir: Mapped[str] = mapped_column(Text, default="")
    log_path: Mapped[str] = mapped_column(Text, default="")
    """The engine's log of this execution (read by byte offset while it grows)."""
    jobs_total: Mapped[int | None] = mapped_column(Integer, default=None)
    jobs_done: Mapped[int] = mapped_column(Integer, default=0)
    exit_code: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    resumed_from_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("executions.id", ondelete="SET NULL"), default=None
    )
    ingestion_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ingestions.id", ondelete="SET NULL"), default=None
    )

    workflow: Mapped[Workflow] = relationship()
    jobs: Mapped[list[ExecutionJob]] = relationship(
        back_populates="execution", cascade="all, delete-orphan", order_by="ExecutionJob.seq"
    )


class ExecutionJob(Base):
    """One job of an execution: a Snakemake rule instance or a Nextflow process task."""

    __tablename__ = "execution_jobs"
    __table_args__ = (UniqueConstraint("execution_id", "engine_id"),)

    execution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("executions.id", ondelete="CASCADE"))
    engine_id: Mapped[str] = mapped_column(String(100))
    """The engine's own id of the job (Snakemake's jobid, Nextflow's task_id)."""
    seq: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    """The rule or process, with its wildcards or tag."""
    status: Mapped[str] = mapped_column(String(20), default="pending")
    """A :class:`~biovista.models.statuses.JobStatus`."""
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    exit_code: Mapped[int | None] = mapped_column(Integer, default=None)
    inputs: Mapped[list[Any]] = mapped_column(JSON, default=list)
    outputs: Mapped[list[Any]] = mapped_column(JSON, default=list)
    samples: Mapped[list[Any]] = mapped_column(JSON, default=list)
    """Names of the samples this job worked on."""
    stdout: Mapped[str] = mapped_column(Text, default="")
    stderr: Mapped[str] = mapped_column(Text, default="")

    execution: Mapped[Execution] = relationship(back_populates="jobs")


class OutputFile(Base):
    """A file an execution left for ingestion, and what made it (lineage)."""

    __tablename__ = "output_files"
    __table_args__ = (UniqueConstraint("project_id", "path"),)

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    execution_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("executions.id", ondelete="CASCADE"))
    job_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("execution_jobs.id", ondelete="SET NULL"), default=None
    )
    path: Mapped[str] = mapped_column(Text)
    """Relative to the project's runs root: the ingested rows' ``_file``."""
    samples: Mapped[list[Any]] = mapped_column(JSON, default=list)
