"""Accounts and access: users, their logins and API tokens, groups and project grants.

Secrets are kept hashed only (argon2 for passwords, SHA-256 for tokens). Who may do what is
decided in :mod:`biovista.auth.policy` from these rows, never here.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from biovista.db.models.base import Base


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
