"""plan_files: what to read again, decided by stat first and content hash second."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from biovista.services.ingest.plan import HashCache, KnownFile, plan_files
from biovista.storage.scan import FoundFile
from biovista.storage.sources import SourceEntry


class CountingSource:
    """A source whose files' hashes are given, counting how often one is asked for."""

    root = "/runs"

    def __init__(self, digests: dict[str, str]) -> None:
        self.digests = digests
        self.hashed: list[str] = []

    def walk(self) -> Iterator[SourceEntry]:
        return iter(())

    def stat(self, path: str) -> SourceEntry:
        raise NotImplementedError

    def sha256(self, path: str) -> str:
        self.hashed.append(path)
        return self.digests[path]

    @contextmanager
    def local_path(self, path: str) -> Iterator[Path]:
        yield Path(path)


def found(path: str, size: int = 10, mtime: int = 1) -> FoundFile:
    return FoundFile("reads", path, None, size=size, mtime_ns=mtime)


KNOWN = {
    "same.csv": KnownFile(10, 1, None, "h-same"),
    "touched.csv": KnownFile(10, 1, None, "h-touched"),
    "edited.csv": KnownFile(10, 1, None, "h-old"),
    "gone.csv": KnownFile(10, 1, None, "h-gone"),
}
DIGESTS = {
    "touched.csv": "h-touched",
    "edited.csv": "h-new",
    "new.csv": "h-n",
    "same.csv": "h-same",
}
FOUND = [
    found("same.csv"),
    found("touched.csv", mtime=2),
    found("edited.csv", 11),
    found("new.csv"),
]


def test_only_new_or_changed_content_is_read() -> None:
    source = CountingSource(DIGESTS)
    plan = plan_files(FOUND, KNOWN, source, full=False, workers=2, hashes={})
    assert sorted((f.path, digest) for f, digest in plan.to_read) == [
        ("edited.csv", "h-new"),
        ("new.csv", "h-n"),
    ]
    assert [f.path for f in plan.touched] == ["touched.csv"]  # new stat, same bytes
    assert plan.unchanged == 2
    assert plan.removed == ["gone.csv"]
    assert "same.csv" not in source.hashed  # a matching stat is never hashed


def test_a_full_ingest_reads_everything_found() -> None:
    plan = plan_files(FOUND, KNOWN, CountingSource(DIGESTS), full=True, workers=1, hashes={})
    assert sorted(f.path for f, _ in plan.to_read) == [
        "edited.csv",
        "new.csv",
        "same.csv",
        "touched.csv",
    ]
    assert plan.unchanged == 0 and not plan.touched
    assert plan.removed == ["gone.csv"]


def test_a_file_is_hashed_once_per_ingest_across_collections() -> None:
    source, hashes = CountingSource(DIGESTS), HashCache()
    plan_files([found("new.csv")], {}, source, full=False, workers=1, hashes=hashes)
    again = plan_files([found("new.csv")], {}, source, full=False, workers=1, hashes=hashes)
    assert source.hashed == ["new.csv"]
    assert [digest for _, digest in again.to_read] == ["h-n"]
