"""Following a run in tests as the execution service would: poll until it ended."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from biovista.pipelines.engine import RunningWorkflow
from biovista.pipelines.events import Event, JobUpdate, LogChunk, Progress

DATA = Path(__file__).parents[1] / "data"
SAMPLES = ("colony_a", "colony_b", "colony_c")


@dataclass
class Observed:
    """Everything a run reported, and what of it arrived while the engine still ran."""

    events: list[Event] = field(default_factory=list)
    while_running: list[Event] = field(default_factory=list)

    def jobs(self) -> dict[str, JobUpdate]:
        """The last update of each job, by name."""
        return {e.name: e for e in self.events if isinstance(e, JobUpdate)}

    def updates(self, name: str) -> list[JobUpdate]:
        return [e for e in self.events if isinstance(e, JobUpdate) and e.name == name]

    def progress(self) -> list[Progress]:
        return [e for e in self.events if isinstance(e, Progress)]

    def log(self) -> str:
        return "".join(e.text for e in self.events if isinstance(e, LogChunk))


def follow(run: RunningWorkflow, observed: Observed | None = None, timeout: float = 60) -> Observed:
    """Poll ``run`` as the execution service would, until it ended and its last poll."""
    observed = observed or Observed()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ended = run.returncode is not None
        events = run.poll()
        observed.events += events
        if not ended:
            observed.while_running += events
        else:
            return observed
        time.sleep(0.1)
    run.cancel(grace=1)
    raise AssertionError(f"the run did not end within {timeout} s")


def wait_for(run: RunningWorkflow, observed: Observed, running: int, timeout: float = 30) -> None:
    """Poll until ``running`` jobs are reported running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = run.poll()
        observed.events += events
        observed.while_running += events
        now_running = {e.engine_id for e in observed.events if isinstance(e, JobUpdate)} - {
            e.engine_id for e in observed.events if isinstance(e, JobUpdate) and e.finished
        }
        if len(now_running) >= running:
            return
        assert run.returncode is None, "the run ended before its jobs were running"
        time.sleep(0.1)
    raise AssertionError(f"fewer than {running} jobs running after {timeout} s")
