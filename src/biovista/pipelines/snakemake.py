"""Snakemake 9, run for real through its Python API in a child process.

The child (:mod:`biovista.pipelines.snakemake_child`) writes Snakemake's structured log
events as JSON lines and each job's stdout/stderr into files of its own; this side turns
them into :class:`JobUpdate`, :class:`Progress` and :class:`LogChunk` events. Every start
gets its own folder ``<workdir>/.biovista/snakemake-<n>/`` (events, log, job output), so a
resumed run in the same workdir never re-reports an earlier run's lines.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from biovista.errors import InvalidInputError, Problem
from biovista.models.statuses import JobStatus
from biovista.pipelines.events import Event, LogChunk, Progress
from biovista.pipelines.manifest import Manifest
from biovista.pipelines.process import (
    ChildProcess,
    LineTail,
    RunningChild,
    TextTail,
    new_run_dir,
    read_job_output,
)
from biovista.pipelines.snakemake_child import EXIT_EVENT, ChildSpec
from biovista.pipelines.tracking import JobState, JobTable

STATE_DIR = ".biovista"
SAMPLE_WILDCARD = "sample"


class SnakemakeEngine:
    """Starts Snakemake workflows; ``cores`` is what each run may use at once."""

    name = "snakemake"

    def __init__(self, cores: int = 2) -> None:
        self.cores = cores

    def start(
        self,
        workflow_dir: Path,
        manifest: Manifest,
        workdir: Path,
        params: dict[str, Any],
        samples_sheet: Path,
        resume: bool,
    ) -> RunningSnakemake:
        snakefile = (workflow_dir / manifest.entry).resolve()
        if not snakefile.is_file():
            raise InvalidInputError(
                f"workflow {manifest.name!r} cannot start",
                [Problem(f"no Snakefile at {snakefile}", where="entry")],
            )
        workdir = workdir.resolve()
        run_dir = new_run_dir(workdir / STATE_DIR, "snakemake")
        (run_dir / "jobs").mkdir()
        spec = ChildSpec(
            snakefile=str(snakefile),
            workdir=str(workdir),
            config={**params, "samples_sheet": str(samples_sheet.resolve())},
            cores=self.cores,
            resume=resume,
            events=str(run_dir / "events.jsonl"),
            jobs_dir=str(run_dir / "jobs"),
        )
        spec.write(run_dir / "spec.json")
        Path(spec.events).touch()
        # -P: the workdir (cwd) must not shadow biovista or snakemake with its own files.
        argv = [sys.executable, "-P", "-m", "biovista.pipelines.snakemake_child"]
        process = ChildProcess(
            [*argv, str(run_dir / "spec.json")],
            cwd=workdir,
            log_path=run_dir / "execution.log",
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        return RunningSnakemake(process, run_dir, workdir)


class RunningSnakemake(RunningChild):
    """One Snakemake child process and what it has reported so far."""

    LOG_NAME = "execution.log"

    def __init__(self, process: ChildProcess, run_dir: Path, workdir: Path) -> None:
        super().__init__(process, run_dir)
        self.workdir = workdir
        self._events = LineTail(run_dir / "events.jsonl")
        self._log = TextTail(self.log_path)
        self._jobs = JobTable()
        self._log_files: dict[str, list[str]] = {}
        self._closed = False

    def poll(self) -> list[Event]:
        ended = self._process.returncode is not None
        events: list[Event] = []
        text = self._log.read(final=ended)
        for line in self._events.read(final=ended):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                events.extend(self._apply(record))
        if ended and not self._closed:
            self._closed = True
            events.extend(self._end_unfinished())
        return ([LogChunk(text)] if text else []) + events

    def _apply(self, record: dict[str, Any]) -> list[Event]:
        kind = record.get("event")
        moment = _time(record.get("time"))
        if kind == "progress":
            return [Progress(done=int(record["done"]), total=int(record["total"]))]
        if kind == "job_started":  # comes just before the job_info of each job
            for jobid in record.get("jobs", []):
                job = self._jobs.get(jobid)
                job.started_at = job.started_at or moment
            return []
        if kind == "job_info":
            job = self._jobs.get(record.get("jobid"))
            wildcards = record.get("wildcards") or {}
            job.name = _job_name(str(record.get("rule_name", "")), wildcards)
            job.inputs = [str(path) for path in record.get("input") or []]
            job.outputs = [str(path) for path in record.get("output") or []]
            self._log_files[job.engine_id] = [str(path) for path in record.get("log") or []]
            sample = wildcards.get(SAMPLE_WILDCARD)
            job.samples = [str(sample)] if sample is not None else []
            job.status, job.finished_at, job.exit_code = JobStatus.RUNNING, None, None
            job.started_at = job.started_at or moment
            return [job.update()]
        if kind == EXIT_EVENT:
            job = self._jobs.get(record.get("jobid"))
            code = int(record.get("returncode", 0))
            if code or job.exit_code is None:  # a job may run several commands
                job.exit_code = code
            return []
        if kind in ("job_finished", "job_error"):
            job = self._jobs.get(record.get("job_id", record.get("jobid")))
            job.finished_at = moment
            if kind == "job_finished":
                job.status = JobStatus.SUCCEEDED
                job.exit_code = 0 if job.exit_code is None else job.exit_code
            else:  # a job our cancel killed is cancelled, not failed
                cancelled = self._process.ended_by_cancel(moment)
                job.status = JobStatus.CANCELLED if cancelled else JobStatus.FAILED
            self._read_output(job)
            return [job.update()]
        return []

    def _end_unfinished(self) -> list[Event]:
        """Jobs the engine left running when it ended: cancelled when we cancelled it,
        failed otherwise (the engine died under them)."""
        status = JobStatus.CANCELLED if self._process.cancelled else JobStatus.FAILED
        updates: list[Event] = []
        for job in self._jobs.end_active(status, datetime.now(UTC)):
            if job.name:  # only jobs reported before (job_info) are known to the caller
                self._read_output(job)
                updates.append(job.update())
        return updates

    def _read_output(self, job: JobState) -> None:
        base = self.run_dir / "jobs" / job.engine_id
        job.stdout = read_job_output(base.with_suffix(".out"))
        job.stderr = read_job_output(base.with_suffix(".err"))
        for log in self._log_files.get(job.engine_id, []):
            # rules that send their output to `log:` files, as Snakemake suggests
            text = read_job_output(self.workdir / log)
            if text:
                separator = "\n" if job.stderr and not job.stderr.endswith("\n") else ""
                job.stderr += f"{separator}--- log: {log} ---\n{text}"


def _job_name(rule: str, wildcards: dict[str, Any]) -> str:
    if not wildcards:
        return rule
    return f"{rule} ({', '.join(f'{key}={value}' for key, value in wildcards.items())})"


def _time(value: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
