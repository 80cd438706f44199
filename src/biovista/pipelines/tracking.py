"""The state of each job as an engine's reports come in, turned into :class:`JobUpdate`s.

Engines learn about a job piece by piece (started, then its files, then how it ended);
this keeps the pieces together so every update carries the whole current state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from biovista.models.statuses import JOB_ACTIVE, JobStatus
from biovista.pipelines.events import JobUpdate


@dataclass
class JobState:
    """What is known so far about one job; ``update()`` is its current report."""

    engine_id: str
    name: str = ""
    status: str = JobStatus.PENDING
    started_at: datetime | None = None
    finished_at: datetime | None = None
    exit_code: int | None = None
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""

    @property
    def active(self) -> bool:
        return self.status in JOB_ACTIVE

    def update(self) -> JobUpdate:
        return JobUpdate(
            engine_id=self.engine_id,
            name=self.name or self.engine_id,
            status=self.status,
            started_at=self.started_at,
            finished_at=self.finished_at,
            exit_code=self.exit_code,
            inputs=list(self.inputs),
            outputs=list(self.outputs),
            samples=list(self.samples),
            stdout=self.stdout,
            stderr=self.stderr,
        )


class JobTable:
    """Every job of one run by engine id, in the order the engine first mentioned them."""

    def __init__(self) -> None:
        self._jobs: dict[str, JobState] = {}

    def get(self, engine_id: object) -> JobState:
        key = str(engine_id)
        if key not in self._jobs:
            self._jobs[key] = JobState(key)
        return self._jobs[key]

    def active(self) -> list[JobState]:
        return [job for job in self._jobs.values() if job.active]

    def counts(self) -> tuple[int, int]:
        """(finished, known) jobs."""
        finished = sum(1 for job in self._jobs.values() if not job.active)
        return finished, len(self._jobs)

    def end_active(self, status: str, moment: datetime) -> list[JobState]:
        """Mark the jobs still pending or running as ended (the engine is gone)."""
        ended = self.active()
        for job in ended:
            job.status = status
            job.finished_at = job.finished_at or moment
        return ended
