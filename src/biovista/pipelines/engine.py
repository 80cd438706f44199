"""The one interface every workflow engine implements, and the registry that picks one.

An engine starts a workflow as a child process and returns at once; the caller polls the
running workflow for events (job updates, progress, log text) until it has a return code,
then polls once more for whatever was still unreported. No database and no HTTP here: the
execution service records the events.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from biovista.config import Settings
from biovista.errors import InvalidInputError, Problem
from biovista.pipelines.events import Event
from biovista.pipelines.manifest import ENGINES, Manifest


class RunningWorkflow(Protocol):
    """A workflow whose engine process was started (and may have ended)."""

    @property
    def log_path(self) -> Path:
        """The execution log; another process may read it by byte offset while it grows."""
        ...

    @property
    def returncode(self) -> int | None:
        """The engine's exit code; None while it runs."""
        ...

    def poll(self) -> list[Event]:
        """The events since the last poll, in order (never one reported before). After the
        process has ended, one more poll returns everything still unreported."""
        ...

    def cancel(self, grace: float = 10) -> None:
        """SIGTERM to the engine's process group, SIGKILL after ``grace`` seconds; jobs still
        running are then reported as cancelled."""
        ...


class Engine(Protocol):
    """Runs workflows of one kind (Snakemake, Nextflow)."""

    name: str

    def start(
        self,
        workflow_dir: Path,
        manifest: Manifest,
        workdir: Path,
        params: dict[str, Any],
        samples_sheet: Path,
        resume: bool,
    ) -> RunningWorkflow:
        """Start the workflow in ``workdir`` (its cwd) as a child process in a process group
        of its own and return at once. ``params`` are already coerced by the manifest;
        ``resume`` re-runs in the same workdir keeping what an earlier run finished."""
        ...


def engine_for(name: str, settings: Settings) -> Engine:
    """The engine called ``name`` (a manifest's ``engine``), configured from ``settings``."""
    cores = settings.pipeline_cores
    # Imported here: each engine module is only needed when a workflow of its kind runs.
    if name == "snakemake":
        from biovista.pipelines.snakemake import SnakemakeEngine

        return SnakemakeEngine(cores=cores)
    if name == "nextflow":
        from biovista.pipelines.nextflow import NextflowEngine

        return NextflowEngine(executable=settings.nextflow_executable)
    raise InvalidInputError(
        f"unknown workflow engine {name!r}",
        [Problem(f"unknown workflow engine {name!r}", suggestion="one of: " + ", ".join(ENGINES))],
    )
