"""What a source of workflow outputs is: the interface every kind implements (a local
folder in :mod:`biovista.storage.sources`, a bucket in :mod:`biovista.storage.s3`) and the
entries it hands out. Both kinds build on this module, so neither imports the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

HASH_CHUNK = 4 * 1024 * 1024


@dataclass(frozen=True)
class SourceEntry:
    """One file below a source root, as its stat says it is now."""

    path: str
    """Relative to the root, '/'-separated."""
    size: int
    mtime_ns: int
    etag: str | None = None
    """The object store's content tag, when there is one: S3 times have 1 s resolution."""


class Source(Protocol):
    """A tree of files below one root."""

    root: str

    def walk(self) -> Iterator[SourceEntry]:
        """Every file below the root (hidden files and folders excluded)."""
        ...

    def stat(self, path: str) -> SourceEntry:
        """The entry of one file, relative to the root; StorageError when it is missing."""
        ...

    def sha256(self, path: str) -> str:
        """Content hash of a file, read in chunks."""
        ...

    @contextmanager
    def local_path(self, path: str) -> Iterator[Path]:
        """A local file with the content of ``path`` for as long as the block runs."""
        ...
