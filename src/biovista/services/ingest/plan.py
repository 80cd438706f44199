"""Decide which files of a collection must be read again, as git decides what changed.

A file whose size and modification time match what we recorded is not read at all; one
whose stat changed is hashed, and only read if its content hash changed too.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from biovista.storage.base import Source
from biovista.storage.scan import FoundFile


@dataclass(frozen=True)
class KnownFile:
    """What the metadata database recorded about a file when its rows were written."""

    size: int
    mtime_ns: int
    etag: str | None
    sha256: str

    def same_stat(self, found: FoundFile) -> bool:
        return (self.size, self.mtime_ns, self.etag) == (found.size, found.mtime_ns, found.etag)


@dataclass
class FilePlan:
    to_read: list[tuple[FoundFile, str]] = field(default_factory=list)
    """New or changed files, with their content hash."""
    touched: list[FoundFile] = field(default_factory=list)
    """Same content but a new stat: only the recorded stat is updated."""
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    """Paths whose rows must go: the file is gone."""


HashCache = dict[tuple[str, str, int, int, str | None], str]
"""Content hashes computed during one ingest, keyed by source, path and stat: a file that
several collections read (a MultiQC report) is hashed once."""


def plan_files(
    found: Iterable[FoundFile],
    known: dict[str, KnownFile],
    source: Source,
    full: bool,
    workers: int,
    hashes: HashCache,
) -> FilePlan:
    plan = FilePlan()
    found_list = list(found)
    present = {f.path for f in found_list}
    plan.removed = sorted(path for path in known if path not in present)
    candidates = []
    for entry in found_list:
        record = known.get(entry.path)
        if not full and record is not None and record.same_stat(entry):
            plan.unchanged += 1
        else:
            candidates.append(entry)

    def content_hash(entry: FoundFile) -> str:
        key = (source.root, entry.path, entry.size, entry.mtime_ns, entry.etag)
        if key not in hashes:
            hashes[key] = source.sha256(entry.path)
        return hashes[key]

    with ThreadPoolExecutor(max_workers=workers) as pool:
        digests = list(pool.map(content_hash, candidates))
    for entry, digest in zip(candidates, digests, strict=True):
        record = known.get(entry.path)
        if not full and record is not None and record.sha256 == digest:
            plan.touched.append(entry)
            plan.unchanged += 1
        else:
            plan.to_read.append((entry, digest))
    return plan
