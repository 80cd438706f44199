"""What a running workflow engine reports: job updates, overall progress and log text.

These are plain values, the same for every engine, so the execution service can record
them without knowing whether Snakemake or Nextflow produced them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from biovista.models.statuses import JOB_FINISHED, JobStatus


@dataclass(frozen=True)
class JobUpdate:
    """The whole current state of one job; a later update for the same ``engine_id``
    replaces the earlier one (so a consumer can simply upsert)."""

    engine_id: str
    """The engine's own id of the job: Snakemake's jobid, Nextflow's task_id."""
    name: str
    """The rule or process, with its wildcards or tag, e.g. ``summarise (sample=a)``."""
    status: str
    """One of :class:`~biovista.models.statuses.JobStatus`."""
    started_at: datetime | None = None
    finished_at: datetime | None = None
    """Timezone-aware (UTC)."""
    exit_code: int | None = None
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)
    """The sample names the job worked on (lineage from outputs back to samples)."""
    stdout: str = ""
    stderr: str = ""

    def __post_init__(self) -> None:
        if self.status not in set(JobStatus):
            known = ", ".join(JobStatus)
            raise ValueError(f"unknown job status {self.status!r}; one of {known}")
        for moment in (self.started_at, self.finished_at):
            if moment is not None and moment.tzinfo is None:
                raise ValueError("job times must be timezone-aware (UTC)")

    @property
    def finished(self) -> bool:
        return self.status in JOB_FINISHED


@dataclass(frozen=True)
class Progress:
    """Jobs done out of the jobs the engine plans to run (the total may grow)."""

    done: int
    total: int


@dataclass(frozen=True)
class LogChunk:
    """The next piece of the execution log, in order; chunks joined give the whole log."""

    text: str


Event = JobUpdate | Progress | LogChunk
