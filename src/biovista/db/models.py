"""ORM models for the metadata biovista keeps next to the Delta tables.

The Delta tables hold the rows; these tables hold what we know *about* them: projects, their
collections, the runs and files the rows came from (with content hashes, so unchanged files
are skipped) and a report of every ingestion.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every time we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Every row has a UUID, records when it was made and (once users exist) by whom."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(200), default=None)


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
    """An :class:`~biovista.models.statuses.IngestionStatus` (queued ... interrupted)."""
    full: Mapped[bool] = mapped_column(default=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    project: Mapped[Project] = relationship(back_populates="ingestions")


class User(Base):
    """A person or service account; passwords are stored as argon2 hashes only."""

    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(320), unique=True)
    """Stored lower-case: addresses are compared without case."""
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="user")
    """``admin`` (manages users and the server) or ``user``."""
    disabled: Mapped[bool] = mapped_column(default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class RefreshToken(Base):
    """One refresh token of a login; each use replaces it by a new one of the same family."""

    __tablename__ = "refresh_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    """All tokens descending from one login; reuse of a spent one revokes the family."""
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class ApiToken(Base):
    """A personal token for the CLI and scripts, shown once and stored hashed."""

    __tablename__ = "api_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    """The public part of the token, to find and show it without the secret."""
    token_hash: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(10))
    """``read``, ``write`` or ``admin``; each includes the ones before it."""
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class Group(Base):
    """Users who share access: a project role granted to a group applies to its members."""

    __tablename__ = "groups"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")

    members: Mapped[list[GroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )
    invitations: Mapped[list[GroupInvitation]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )


class GroupMember(Base):
    __tablename__ = "group_members"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    is_admin: Mapped[bool] = mapped_column(default=False)
    """Group admins add and remove members."""

    group: Mapped[Group] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class GroupInvitation(Base):
    """A pending offer to join a group, kept by e-mail whether or not an account has it yet
    (so neither the answer nor the list tells who has an account). The invitee accepts it
    (and becomes a member) or declines it; group admins may withdraw it."""

    __tablename__ = "group_invitations"
    __table_args__ = (UniqueConstraint("group_id", "email"),)

    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    """Normalised as account e-mails are (trimmed, lower case)."""
    is_admin: Mapped[bool] = mapped_column(default=False)
    """Whether the invitee joins as a group admin."""

    group: Mapped[Group] = relationship(back_populates="invitations")


class ProjectGrant(Base):
    """A role on a project (owner, editor or viewer), given to one user or one group."""

    __tablename__ = "project_grants"
    __table_args__ = (
        CheckConstraint("(user_id IS NULL) <> (group_id IS NULL)", name="one_grantee"),
        UniqueConstraint("project_id", "user_id", "group_id"),
    )

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), default=None
    )
    group_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("groups.id", ondelete="CASCADE"), default=None
    )
    role: Mapped[str] = mapped_column(String(10))


class Dashboard(Base):
    """A dashboard of a project; it inherits the project's roles.

    ``spec`` is the layout and components document (its format belongs to the web app).
    A public dashboard is readable without login; a link token (kept hashed) gives
    read-only access to whoever holds the link."""

    __tablename__ = "dashboards"

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_public: Mapped[bool] = mapped_column(default=False)
    link_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    revision: Mapped[int] = mapped_column(default=1)
    """Incremented by every update, so a client can refuse to overwrite newer work."""
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    project: Mapped[Project] = relationship()


# Tasks, workflows and samples keep their tables in their own modules, on this metadata.
from biovista.db import pipeline_models, task_models  # noqa: E402, F401
