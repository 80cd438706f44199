"""Dashboards: a project's saved layouts, with their public flag and share link."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from biovista.db.models.base import Base, utcnow
from biovista.db.models.projects import Project


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
