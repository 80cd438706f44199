"""The bytes of unfinished resumable uploads: where they wait, how a session fails (its
bytes deleted, its hasher let go) and the sweep that fails sessions nobody sent a chunk to
for a day and deletes partial files no session owns.

Kept apart from :mod:`biovista.services.samples.resumable`, which receives the chunks, so
that the sweep can run wherever an upload session is opened or listed.
"""

from __future__ import annotations

import contextlib
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from biovista.config import Settings
from biovista.db.models import UploadSession, utcnow
from biovista.models.statuses import UploadStatus
from biovista.services.samples.hashes import RunningHashes

SESSION_TTL = timedelta(hours=24)


def partial_path(settings: Settings, session_id: uuid.UUID) -> Path:
    return settings.data_dir / "upload-sessions" / f"{session_id}.part"


def clean_expired(session: Session, settings: Settings) -> int:
    """Fail the open sessions nobody sent a chunk to for a day, and delete their bytes."""
    expired = list(
        session.scalars(
            select(UploadSession).where(
                UploadSession.status == UploadStatus.OPEN, UploadSession.expires_at < utcnow()
            )
        )
    )
    for opened in expired:
        fail_session(settings, None, opened, "expired")  # its hasher, if any, is let go when idle
    session.flush()
    return len(expired) + _clean_orphans(session, settings)


def _clean_orphans(session: Session, settings: Settings) -> int:
    """Delete day-old partial files no session owns (their project was deleted)."""
    limit = (utcnow() - SESSION_TTL).timestamp()
    old: dict[uuid.UUID, Path] = {}
    for path in partial_path(settings, uuid.uuid4()).parent.glob("*.part"):
        with contextlib.suppress(ValueError, OSError):
            if path.stat().st_mtime < limit:
                old[uuid.UUID(path.stem)] = path
    if not old:
        return 0
    known = set(session.scalars(select(UploadSession.id).where(UploadSession.id.in_(old))))
    orphans = [path for ident, path in old.items() if ident not in known]
    for path in orphans:
        path.unlink(missing_ok=True)
    return len(orphans)


def fail_session(
    settings: Settings, hashes: RunningHashes | None, opened: UploadSession, reason: str
) -> None:
    """``hashes`` None: no hasher of the session's can be in memory here, or it is let go."""
    partial_path(settings, opened.id).unlink(missing_ok=True)
    if hashes is not None:
        hashes.forget(opened.id)
    opened.status, opened.error, opened.finished_at = UploadStatus.FAILED, reason, utcnow()
