"""Samples, their types and files, and the resumable uploads that bring the files in."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from biovista.db.models.base import Base, utcnow


class SampleType(Base):
    """A kind of sample, with the metadata attributes an admin requires of it."""

    __tablename__ = "sample_types"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    attributes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    """Each: name, description, required, allowed values, pattern (a regex)."""


class Sample(Base):
    __tablename__ = "samples"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    type_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sample_types.id"))
    name: Mapped[str] = mapped_column(String(200))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    sample_type: Mapped[SampleType] = relationship()
    files: Mapped[list[SampleFile]] = relationship(
        back_populates="sample", cascade="all, delete-orphan", order_by="SampleFile.path"
    )


class SampleFile(Base):
    __tablename__ = "sample_files"
    __table_args__ = (UniqueConstraint("sample_id", "path"),)

    sample_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("samples.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(Text)
    """Relative to the project's uploads folder."""
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))

    sample: Mapped[Sample] = relationship(back_populates="files")


class UploadSession(Base):
    """A file being uploaded in chunks; it survives a cut connection until it expires."""

    __tablename__ = "upload_sessions"

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    """The checksum the client promised; checked when the last byte arrives."""
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(20), default="open")
    """open, complete or failed."""
    sample_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("samples.id", ondelete="CASCADE"), default=None
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
