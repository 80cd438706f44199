"""Read-only access to workflow outputs, on a local disk or in S3, behind one interface
(:class:`~biovista.storage.base.Source`): local folders here, and :func:`open_source`, which
picks the kind a runs root names (S3 is imported only when a root is in a bucket).

Ingestion runs on the server, so these credentials come from the server's settings and are
never handed to a client.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from biovista.config import Settings
from biovista.errors import StorageError
from biovista.storage.base import HASH_CHUNK, Source, SourceEntry


class LocalSource:
    """Files in a local folder."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self._root = root

    def walk(self) -> Iterator[SourceEntry]:
        if not self._root.is_dir():
            raise StorageError(f"runs root {self._root} is not a folder")
        yield from _scan_tree(str(self._root), "")

    def stat(self, path: str) -> SourceEntry:
        try:
            info = (self._root / path).stat()
        except OSError as exc:
            raise StorageError(f"cannot read {self._root / path}: {exc.strerror}") from None
        return SourceEntry(path, info.st_size, info.st_mtime_ns)

    def sha256(self, path: str) -> str:
        digest = hashlib.sha256()
        with (self._root / path).open("rb") as handle:
            while chunk := handle.read(HASH_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    @contextmanager
    def local_path(self, path: str) -> Iterator[Path]:
        yield self._root / path


def _scan_tree(folder: str, prefix: str) -> Iterator[SourceEntry]:
    """Depth-first, sorted, hidden entries skipped; one stat per file via scandir."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError:
        return  # removed or unreadable while we were walking
    for entry in entries:
        if entry.name.startswith("."):
            continue
        relative = prefix + entry.name
        try:
            if entry.is_dir(follow_symlinks=True):
                yield from _scan_tree(entry.path, relative + "/")
            elif entry.is_file(follow_symlinks=True):
                info = entry.stat()
                yield SourceEntry(relative, info.st_size, info.st_mtime_ns)
        except OSError:
            continue


UPLOADS = "@uploads"
"""A runs root naming the project's own upload folder on the server."""


EXECUTIONS = "@executions"
"""A runs root naming the folder where the project's workflow executions leave their
outputs: one run folder per execution, named by its id."""

SERVER_FOLDERS = {UPLOADS: "uploads", EXECUTIONS: "executions"}


def project_files_folder(settings: Settings) -> Path:
    """Where the server keeps the project files sent to it (``POST /projects``); relative
    paths of a project with no file of its own are read from here, never from the
    working directory of whichever process asks."""
    return settings.data_dir / "projects"


def uploads_folder(settings: Settings, project_name: str) -> Path:
    return settings.data_dir / "uploads" / project_name


def executions_folder(settings: Settings, project_name: str) -> Path:
    return settings.data_dir / "executions" / project_name


def execution_outputs_folder(settings: Settings, project_name: str, execution_id: str) -> Path:
    """Where one execution's outputs are kept once it has finished (its run folder)."""
    return executions_folder(settings, project_name) / execution_id


def open_source(
    root: str, base_dir: Path, settings: Settings, project_name: str | None = None
) -> Source:
    """The source for a runs root or a single file's folder (relative to ``base_dir``)."""
    if root in SERVER_FOLDERS:
        if project_name is None:
            raise StorageError(f"{root} needs the project's name")
        folder = settings.data_dir / SERVER_FOLDERS[root] / project_name
        folder.mkdir(parents=True, exist_ok=True)
        return LocalSource(folder)
    if root.startswith("s3://"):
        from biovista.storage.s3 import S3Source

        return S3Source(root, settings)
    path = Path(root).expanduser()
    return LocalSource(path if path.is_absolute() else (base_dir / path).resolve())
