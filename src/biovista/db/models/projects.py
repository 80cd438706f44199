"""Projects and what biovista knows about the rows in their Delta tables.

The Delta tables hold the rows; these tables hold what we know *about* them: projects, their
collections, the runs and files the rows came from (with content hashes, so unchanged files
are skipped) and a report of every ingestion.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from biovista.db.models.base import Base, utcnow


class Project(Base):
    __tablename__ = "projects"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    config: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The validated project file, as JSON."""
    source_path: Mapped[str | None] = mapped_column(Text, default=None)
    """Where the project file was read from (the base of relative paths in it)."""
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    collections: Mapped[list[Collection]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Collection.name"
    )
    runs: Mapped[list[Run]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Run.name"
    )
    ingestions: Mapped[list[Ingestion]] = relationship(
        back_populates="project", cascade="all, delete-orphan"
    )


class Collection(Base):
    __tablename__ = "collections"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    format: Mapped[str | None] = mapped_column(String(40), default=None)
    table_key: Mapped[str] = mapped_column(Text)
    """Location of the Delta table, relative to the storage root."""
    row_count: Mapped[int] = mapped_column(BigInteger, default=0)
    delta_version: Mapped[int | None] = mapped_column(BigInteger, default=None)
    columns: Mapped[list[Any]] = mapped_column(JSON, default=list)
    """Schema of the Delta table: ``[{"name": ..., "type": ...}]``."""

    project: Mapped[Project] = relationship(back_populates="collections")
    files: Mapped[list[SourceFile]] = relationship(
        back_populates="collection", cascade="all, delete-orphan", order_by="SourceFile.path"
    )


class Run(Base):
    __tablename__ = "runs"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(Text)
    """The run folder's path below the runs root."""
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Values of the run pattern's named groups."""

    project: Mapped[Project] = relationship(back_populates="runs")


class SourceFile(Base):
    """A file whose rows are in a collection's table, as it was when it was read."""

    __tablename__ = "source_files"
    __table_args__ = (UniqueConstraint("collection_id", "path"),)

    collection_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("collections.id", ondelete="CASCADE")
    )
    run_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("runs.id", ondelete="SET NULL"), default=None
    )
    path: Mapped[str] = mapped_column(Text)
    """Relative to the runs root (or the single file's location); also the ``_file`` column."""
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    etag: Mapped[str | None] = mapped_column(String(200), default=None)
    """Object-store content tag (S3), compared with size and time to detect changes."""
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(BigInteger)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ingestion_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("ingestions.id", ondelete="SET NULL"), default=None
    )

    collection: Mapped[Collection] = relationship(back_populates="files")
    run: Mapped[Run | None] = relationship()


class Ingestion(Base):
    """One ingest of a project: when, how it went, and its per-collection report."""

    __tablename__ = "ingestions"

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="running")
    """running, succeeded, partial (some files failed) or failed."""
    full: Mapped[bool] = mapped_column(default=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    project: Mapped[Project] = relationship(back_populates="ingestions")
