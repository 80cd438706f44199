"""What an ingestion reports: per collection, files read, skipped, failed, removed, rows."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from biovista.models.statuses import IngestionStatus
from biovista.storage.layout import LayoutReport


@dataclass(frozen=True)
class FileFailure:
    """A file that was not ingested, and exactly why; none of its rows were written."""

    path: str
    reason: str
    line: int | None = None
    column: str | int | None = None

    def __str__(self) -> str:
        where = self.path + (f":{self.line}" if self.line is not None else "")
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.reason}"


@dataclass
class CollectionReport:
    name: str
    files_read: int = 0
    files_skipped: int = 0
    files_failed: int = 0
    files_removed: int = 0
    rows_written: int = 0
    total_rows: int = 0
    version: int | None = None
    failures: list[FileFailure] = field(default_factory=list)
    error: str | None = None
    """Set when the whole collection could not be updated (its table is unchanged)."""
    layout: LayoutReport | None = None
    """The clustering or compaction that followed the commit, if one was due."""
    layout_error: str | None = None
    """Why that layout change failed; the rows were written all the same."""

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failures

    def as_dict(self) -> dict[str, Any]:
        payload = asdict(self)
        payload["failures"] = [asdict(f) for f in self.failures]
        return payload


@dataclass
class IngestReport:
    project: str
    ingestion_id: str
    full: bool
    status: IngestionStatus = IngestionStatus.RUNNING
    seconds: float = 0.0
    collections: dict[str, CollectionReport] = field(default_factory=dict)

    def finish(self, seconds: float) -> None:
        self.seconds = round(seconds, 3)
        reports = list(self.collections.values())
        if all(r.ok for r in reports):
            self.status = IngestionStatus.SUCCEEDED
        elif reports and all(r.error is not None for r in reports):
            self.status = IngestionStatus.FAILED
        else:
            self.status = IngestionStatus.PARTIAL

    def as_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "ingestion_id": self.ingestion_id,
            "status": self.status,
            "full": self.full,
            "seconds": self.seconds,
            "collections": {n: r.as_dict() for n, r in self.collections.items()},
        }


class IngestProgress(Protocol):
    """Receives progress as files are read (the CLI draws a bar; a task records events)."""

    def start(self, collection: str, total_files: int) -> None: ...

    def advance(self, collection: str, path: str) -> None: ...

    def finish(self, collection: str, report: CollectionReport) -> None: ...


class NoProgress:
    """For callers that do not watch."""

    def start(self, collection: str, total_files: int) -> None:
        pass

    def advance(self, collection: str, path: str) -> None:
        pass

    def finish(self, collection: str, report: CollectionReport) -> None:
        pass
