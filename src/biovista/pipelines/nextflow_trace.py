"""Reading what Nextflow documents about a run: its trace file and its ``.nextflow.log``.

The trace file (``-with-trace``) is tab-separated with a header line; Nextflow appends a
task's line when the task completes, fails or is found cached, and the lines of tasks still
in flight when the run ends. It says nothing while a task runs, so the log's "Submitted
process" lines tell us a task started. Both name a task by its hash (``3f/9a1c2e``, also its
work directory), which is therefore the job's engine id. Times in both are local time.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from biovista.models.statuses import JobStatus

TRACE_FIELDS = (
    "task_id",
    "hash",
    "native_id",
    "name",
    "tag",
    "status",
    "exit",
    "submit",
    "start",
    "complete",
    "workdir",
)
"""The trace columns biovista asks for (``trace.fields``)."""

TRACE_STATUS = {
    "NEW": JobStatus.PENDING,
    "SUBMITTED": JobStatus.PENDING,
    "RUNNING": JobStatus.RUNNING,
    "COMPLETED": JobStatus.SUCCEEDED,
    "FAILED": JobStatus.FAILED,
    "CACHED": JobStatus.CACHED,
    "ABORTED": JobStatus.CANCELLED,
}
"""Nextflow's task status -> ours. ABORTED: Nextflow killed the task (the run was stopped)."""

MISSING = "-"
"""What Nextflow writes for a value it does not have."""

TASK_LINE = re.compile(
    r"^(?P<time>\S+ \d\d:\d\d:\d\d\.\d{3}) \[[^\]]*\] INFO +\S+ - "
    r"\[(?P<hash>[0-9a-f]{2}/[0-9a-f]{6})\] (?P<kind>Submitted|Cached) process > (?P<name>.+)$"
)
"""A task handed to the executor, or found in the cache, as ``.nextflow.log`` reports it."""

INDEX_TAG = re.compile(r"^\d+$")


@dataclass(frozen=True)
class TraceRecord:
    """One line of the trace file, with Nextflow's values already read."""

    hash: str
    task_id: str
    name: str
    tag: str | None
    status: str
    """Ours (see :data:`TRACE_STATUS`)."""
    exit_code: int | None
    submitted_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    workdir: str | None


@dataclass(frozen=True)
class LogTask:
    """A "Submitted process" or "Cached process" line of ``.nextflow.log``."""

    hash: str
    name: str
    cached: bool
    at: datetime | None


class TraceReader:
    """Turns trace lines into records; the first line read is the header."""

    def __init__(self) -> None:
        self.columns: list[str] | None = None

    def parse(self, line: str) -> TraceRecord | None:
        cells = line.rstrip("\r\n").split("\t")
        if self.columns is None:
            self.columns = [cell.strip() for cell in cells]
            return None
        row = dict(zip(self.columns, cells, strict=False))
        task_hash = _value(row.get("hash"))
        if task_hash is None:
            return None
        return TraceRecord(
            hash=task_hash,
            task_id=_value(row.get("task_id")) or "",
            name=_value(row.get("name")) or task_hash,
            tag=_value(row.get("tag")),
            status=TRACE_STATUS.get((row.get("status") or "").strip().upper(), JobStatus.FAILED),
            exit_code=_int(row.get("exit")),
            submitted_at=trace_time(row.get("submit")),
            started_at=trace_time(row.get("start")),
            completed_at=trace_time(row.get("complete")),
            workdir=_value(row.get("workdir")),
        )


def parse_log_task(line: str, now: datetime | None = None) -> LogTask | None:
    """The task a ``.nextflow.log`` line announces, if it announces one."""
    match = TASK_LINE.match(line.rstrip())
    if match is None:
        return None
    return LogTask(
        hash=match["hash"],
        name=match["name"],
        cached=match["kind"] == "Cached",
        at=log_time(match["time"], now),
    )


def trace_time(value: str | None) -> datetime | None:
    """``2024-05-01 10:11:12.345`` (local time, as Nextflow writes it) in UTC."""
    text = _value(value)
    if text is None:
        return None
    for pattern in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern).astimezone(UTC)
        except ValueError:
            continue
    return None


def log_time(value: str, now: datetime | None = None) -> datetime | None:
    """``May-01 10:11:12.345`` (local time, no year) in UTC: the latest such moment that is
    not after ``now``."""
    now = now or datetime.now(UTC)
    for year in (now.astimezone().year, now.astimezone().year - 1):
        try:
            moment = datetime.strptime(f"{year}-{value}", "%Y-%b-%d %H:%M:%S.%f").astimezone(UTC)
        except ValueError:
            return None  # a month name in another language
        if moment <= now:
            return moment
    return None


def task_samples(tag: str | None, name: str, known: Collection[str]) -> list[str]:
    """The samples a task worked on: its tag, or the ``(…)`` at the end of its name (not a
    bare index such as ``(1)``, which Nextflow adds when a process has no tag). With the
    sample sheet's names in ``known``, only those count (a tag may hold more than a name)."""
    label = tag
    if label is None:
        suffix = re.search(r"\(([^()]*)\)\s*$", name)
        label = suffix.group(1).strip() if suffix else None
    if not label or INDEX_TAG.match(label):
        return []
    if not known:
        return [label]
    if label in known:
        return [label]
    words = re.split(r"[\s,;|]+", label)
    return [word for word in dict.fromkeys(words) if word in known]


def _value(text: str | None) -> str | None:
    text = (text or "").strip()
    return None if text in ("", MISSING) else text


def _int(text: str | None) -> int | None:
    value = _value(text)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
