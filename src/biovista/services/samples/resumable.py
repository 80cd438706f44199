"""Resumable uploads: a file sent in chunks that survives a cut connection.

A session names the file (project, path, size, optionally its SHA-256 and a sample). Its
bytes gather in a partial file under ``data_dir/upload-sessions``, outside the uploads
folder, so an ingest never reads half a file. That file's length is the truth about what
the server has: a client asks for it and sends from there. A chunk is idempotent (bytes
the server already has are skipped), a chunk starting past the end is refused with the
server's offset, and the last byte triggers the size and checksum check, then an atomic
rename into the uploads folder. Open sessions expire after a day without a chunk.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import IO

import anyio
from sqlalchemy import select
from sqlalchemy.orm import Session

from biovista.auth.policy import Action, Principal, authorize_project
from biovista.config import Settings
from biovista.db.models import Project, Sample, UploadSession, as_utc, utcnow
from biovista.db.session import RecordedFailure
from biovista.errors import ConflictError, InvalidInputError, NotFoundError
from biovista.models.statuses import UploadStatus
from biovista.services.samples.hashes import RunningHashes, sha256_of
from biovista.services.samples.partials import (
    SESSION_TTL,
    clean_expired,
    fail_session,
    partial_path,
)
from biovista.services.samples.records import attach_file
from biovista.services.samples.uploads import check_path
from biovista.storage.sources import uploads_folder

MAX_SIZE = 2**40
"""One file of at most 1 TiB."""


class OffsetMismatchError(ConflictError):
    """A chunk starts past what the server has (HTTP 409); ``received`` says where to resume."""

    def __init__(self, message: str, received: int) -> None:
        super().__init__(message)
        self.received = received


class ChecksumMismatchError(InvalidInputError, RecordedFailure):
    """The finished file is not the one announced; the session failed and its bytes are gone
    (the caller's unit of work commits that failure although the request answers an error)."""


class SessionExpiredError(ConflictError, RecordedFailure):
    """A chunk for a session that expired; the session is now marked failed (committed by
    the caller's unit of work, as for a checksum mismatch)."""


def open_session(
    session: Session,
    settings: Settings,
    principal: Principal,
    project_name: str,
    path: str,
    size: int,
    sha256: str | None = None,
    sample: str | None = None,
) -> UploadSession:
    """Start a resumable upload of ``path`` (editors); the finished file replaces any other."""
    project = authorize_project(session, principal, project_name, Action.EDIT)
    check_path(path)
    if not 0 <= size <= MAX_SIZE:
        raise InvalidInputError(f"size {size}: a file has 0 to {MAX_SIZE} bytes (1 TiB)")
    if sha256 is not None:
        sha256 = sha256.lower()
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise InvalidInputError(f"sha256 {sha256!r} is not 64 hexadecimal digits")
    sample_id = _sample_id(session, project, sample) if sample else None
    clean_expired(session, settings)
    folder = partial_path(settings, uuid.uuid4()).parent
    folder.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(folder).free
    if size > free:
        raise InvalidInputError(f"the server has {free / 2**30:.1f} GiB free; the file needs more")
    opened = UploadSession(
        project_id=project.id,
        path=path,
        size=size,
        sha256=sha256,
        sample_id=sample_id,
        expires_at=utcnow() + SESSION_TTL,
        created_by=str(principal.user_id),
    )
    session.add(opened)
    session.flush()
    partial_path(settings, opened.id).touch()
    if size == 0:
        _finish(session, settings, None, project, opened, hashlib.sha256().hexdigest())
    return opened


def find_sessions(
    session: Session,
    settings: Settings,
    principal: Principal,
    project_name: str,
    path: str | None = None,
    size: int | None = None,
    sha256: str | None = None,
) -> list[UploadSession]:
    """Open sessions of the project (editors), newest first: what a client may resume."""
    project = authorize_project(session, principal, project_name, Action.EDIT)
    clean_expired(session, settings)
    query = select(UploadSession).where(
        UploadSession.project_id == project.id, UploadSession.status == UploadStatus.OPEN
    )
    if path is not None:
        query = query.where(UploadSession.path == path)
    if size is not None:
        query = query.where(UploadSession.size == size)
    if sha256 is not None:
        query = query.where(UploadSession.sha256 == sha256.lower())
    found = list(session.scalars(query.order_by(UploadSession.created_at.desc())))
    for opened in found:
        opened.received = _on_disk(settings, opened)
    return found


def get_session(
    session: Session,
    settings: Settings,
    principal: Principal,
    project_name: str,
    session_id: uuid.UUID,
) -> UploadSession:
    """A session with how many bytes the server has (editors)."""
    project = authorize_project(session, principal, project_name, Action.EDIT)
    opened = _session(session, project, session_id)
    if opened.status == UploadStatus.OPEN:
        opened.received = _on_disk(settings, opened)
    return opened


def cancel_session(
    session: Session,
    settings: Settings,
    principal: Principal,
    project_name: str,
    session_id: uuid.UUID,
    hashes: RunningHashes,
) -> None:
    """Give up an open upload (editors): its partial file is deleted at once."""
    project = authorize_project(session, principal, project_name, Action.EDIT)
    opened = _session(session, project, session_id)
    if opened.status == UploadStatus.OPEN:
        fail_session(settings, hashes, opened, "cancelled by the client")


async def put_chunk_async(
    session: Session,
    settings: Settings,
    principal: Principal,
    project_name: str,
    session_id: uuid.UUID,
    offset: int,
    chunks: AsyncIterator[bytes],
    hashes: RunningHashes,
) -> UploadSession:
    """``put_chunk`` for a body read as it arrives (the API). The database work and the
    lock before the body, and the last chunk's checks after it, run in a worker thread: they
    must not stall the server's event loop (re-reading a large file takes seconds)."""
    chunk = await anyio.to_thread.run_sync(
        _begin, session, settings, hashes, principal, project_name, session_id, offset
    )
    if isinstance(chunk, UploadSession):
        return chunk
    with chunk:
        async for data in chunks:
            chunk.feed(data)
        return await anyio.to_thread.run_sync(chunk.end, session, settings)


def put_chunk(
    session: Session,
    settings: Settings,
    principal: Principal,
    project_name: str,
    session_id: uuid.UUID,
    offset: int,
    chunks: Iterable[bytes],
    hashes: RunningHashes,
) -> UploadSession:
    """Write a chunk that starts at byte ``offset`` of the file (editors).

    Bytes the server already has are skipped, so sending a chunk twice changes nothing; a
    chunk starting past them is refused with ``OffsetMismatchError`` (where to resume). The
    chunk that completes the file has its size and checksum checked before it is moved."""
    chunk = _begin(session, settings, hashes, principal, project_name, session_id, offset)
    if isinstance(chunk, UploadSession):
        return chunk
    with chunk:
        for data in chunks:
            chunk.feed(data)
        return chunk.end(session, settings)


class _Chunk:
    """One chunk being written: appends its new bytes to the locked partial file, and to
    the running checksum; closing releases the lock."""

    def __init__(
        self,
        project: Project,
        opened: UploadSession,
        handle: IO[bytes],
        offset: int,
        hashes: RunningHashes,
    ) -> None:
        self.project, self.opened, self.handle = project, opened, handle
        self.position = offset
        self.received = handle.seek(0, os.SEEK_END)
        self.hashes = hashes
        self.hasher = hashes.hasher_at(opened.id, self.received)

    def __enter__(self) -> _Chunk:
        return self

    def __exit__(self, *_: object) -> None:
        self.handle.close()

    def feed(self, data: bytes) -> None:
        start = self.position
        self.position += len(data)
        if self.position <= self.received:
            return  # the server has these bytes already
        new = data[max(0, self.received - start) :]
        if len(new) > self.opened.size - self.received:
            raise InvalidInputError(
                f"the chunk runs past the end of the file ({self.opened.size} bytes); "
                f"the server kept bytes up to {self.received}"
            )
        self.handle.write(new)
        self.received += len(new)
        if self.hasher is not None:
            self.hasher.update(new)
            self.hashes.advanced(self.opened.id, self.received, self.hasher)

    def end(self, session: Session, settings: Settings) -> UploadSession:
        self.handle.flush()
        opened = self.opened
        opened.received, opened.expires_at = self.received, utcnow() + SESSION_TTL
        if self.received == opened.size:
            digest = self.hasher.hexdigest() if self.hasher is not None else None
            _finish(session, settings, self.hashes, self.project, opened, digest)
        session.flush()
        return opened


def _begin(
    session: Session,
    settings: Settings,
    hashes: RunningHashes,
    principal: Principal,
    project_name: str,
    session_id: uuid.UUID,
    offset: int,
) -> _Chunk | UploadSession:
    """The chunk, its partial file opened and locked; or the session when it is complete."""
    project = authorize_project(session, principal, project_name, Action.EDIT)
    opened = _session(session, project, session_id)
    if opened.status == UploadStatus.COMPLETE and offset <= opened.size:
        return opened  # a retry of a chunk whose answer was lost
    if opened.status != UploadStatus.OPEN:
        raise ConflictError(
            f"upload session {session_id} is {opened.status} ({opened.error or 'done'}); "
            "open a new one"
        )
    if as_utc(opened.expires_at) < utcnow():
        fail_session(settings, hashes, opened, "expired")
        raise SessionExpiredError(f"upload session {session_id} expired; open a new one")
    target = partial_path(settings, opened.id)
    if not target.is_file():
        raise ConflictError(f"upload session {session_id} lost its partial file; open a new one")
    handle = target.open("r+b")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise ConflictError(
            f"another chunk of upload session {session_id} is being written; retry shortly"
        ) from None
    session.refresh(opened)
    if not _same_file(handle, target):  # finished or failed just before the lock was ours
        handle.close()
        return _begin(session, settings, hashes, principal, project_name, session_id, offset)
    received = handle.seek(0, os.SEEK_END)
    if offset > received:
        handle.close()
        raise OffsetMismatchError(
            f"offset {offset} is past the {received} bytes the server has; send from byte "
            f"{received}",
            received,
        )
    return _Chunk(project, opened, handle, offset, hashes)


def _finish(
    session: Session,
    settings: Settings,
    hashes: RunningHashes | None,
    project: Project,
    opened: UploadSession,
    digest: str | None,
) -> None:
    """Check the whole file, then move it into the uploads folder (or fail the session)."""
    partial = partial_path(settings, opened.id)
    if digest is None:
        digest = sha256_of(partial)
    size = partial.stat().st_size
    wrong = None
    if size != opened.size:
        wrong = f"the server has {size} bytes, the client announced {opened.size}"
    elif opened.sha256 is not None and digest != opened.sha256:
        wrong = (
            f"the SHA-256 of the bytes received is {digest}, the client announced {opened.sha256}"
        )
    if wrong is not None:
        fail_session(settings, hashes, opened, f"checksum mismatch: {wrong}")
        raise ChecksumMismatchError(
            f"upload of {opened.path!r} failed, {wrong}; the bytes were discarded, upload "
            "the file again"
        )
    target = uploads_folder(settings, project.name) / opened.path
    target.parent.mkdir(parents=True, exist_ok=True)
    partial.replace(target)
    opened.sha256, opened.status, opened.finished_at = digest, UploadStatus.COMPLETE, utcnow()
    opened.received = size
    if hashes is not None:
        hashes.forget(opened.id)
    if opened.sample_id is not None:
        sample = session.get_one(Sample, opened.sample_id)
        attach_file(session, sample, opened.path, size, digest)


def _same_file(handle: IO[bytes], target: Path) -> bool:
    try:
        return os.fstat(handle.fileno()).st_ino == target.stat().st_ino
    except FileNotFoundError:
        return False


def _on_disk(settings: Settings, opened: UploadSession) -> int:
    target = partial_path(settings, opened.id)
    return target.stat().st_size if target.is_file() else opened.received


def _sample_id(session: Session, project: Project, name: str) -> uuid.UUID:
    found = session.scalar(
        select(Sample.id).where(Sample.project_id == project.id, Sample.name == name)
    )
    if found is None:
        raise NotFoundError(f"project {project.name!r} has no sample named {name!r}")
    return found


def _session(session: Session, project: Project, session_id: uuid.UUID) -> UploadSession:
    found = session.get(UploadSession, session_id)
    if found is None or found.project_id != project.id:
        raise NotFoundError(f"project {project.name!r} has no upload session {session_id}")
    return found
