"""Files uploaded into a project's own folder on the server (``runs: {root: "@uploads"}``).

Paths are checked before anything is written, and each file is written to a temporary
name and renamed into place, so a failed or interrupted upload leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import anyio
from sqlalchemy.orm import Session

from biovista.auth.policy import Action, Principal, authorize_project
from biovista.config import Settings
from biovista.errors import InvalidInputError, NotFoundError
from biovista.storage.sources import LocalSource, uploads_folder

MAX_BYTES = 512 * 1024 * 1024
PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$")


@dataclass(frozen=True)
class Uploaded:
    path: str
    size: int
    sha256: str


def check_path(path: str) -> str:
    """A relative path of ordinary names: no '..', no hidden or absolute parts."""
    parts = path.split("/")
    if not 1 <= len(parts) <= 10 or not all(PART.match(part) for part in parts):
        raise InvalidInputError(
            f"upload path {path!r} must be up to 10 '/'-separated names of letters, digits, "
            "'.', '_', '+' and '-', each starting with a letter or digit"
        )
    return path


async def store_upload(
    session: Session,
    settings: Settings,
    principal: Principal,
    project_name: str,
    path: str,
    chunks: AsyncIterator[bytes],
) -> Uploaded:
    """Write one uploaded file (editors); it replaces any file at the same path. The check
    of the caller's right runs in a worker thread, off the server's event loop."""
    await anyio.to_thread.run_sync(authorize_project, session, principal, project_name, Action.EDIT)
    relative = check_path(path)
    folder = uploads_folder(settings, project_name)
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    descriptor, temporary = tempfile.mkstemp(prefix=".upload-", dir=target.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            async for chunk in chunks:
                size += len(chunk)
                if size > MAX_BYTES:
                    raise InvalidInputError(f"an upload is at most {MAX_BYTES // 2**20} MiB")
                digest.update(chunk)
                handle.write(chunk)
        Path(temporary).replace(target)
    finally:
        Path(temporary).unlink(missing_ok=True)
    return Uploaded(relative, size, digest.hexdigest())


def list_uploads(
    session: Session, settings: Settings, principal: Principal, project_name: str
) -> list[Uploaded]:
    authorize_project(session, principal, project_name, Action.VIEW)
    folder = uploads_folder(settings, project_name)
    if not folder.is_dir():
        return []
    source = LocalSource(folder)
    return [Uploaded(e.path, e.size, source.sha256(e.path)) for e in source.walk()]


def delete_upload(
    session: Session, settings: Settings, principal: Principal, project_name: str, path: str
) -> None:
    authorize_project(session, principal, project_name, Action.EDIT)
    target = uploads_folder(settings, project_name) / check_path(path)
    if not target.is_file():
        raise NotFoundError(f"no uploaded file {path!r}")
    target.unlink()
