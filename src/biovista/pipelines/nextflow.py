"""Nextflow, followed through the files it documents: the trace file and ``.nextflow.log``.

biovista runs the launcher from the ``nextflow_executable`` setting as::

    nextflow -log <run>/nextflow.log -c <run>/biovista.config run <entry>
        -params-file <run>/params.json -with-trace <run>/trace.txt -ansi-log false [-resume]

in the workdir, where ``<run>`` is ``<workdir>/.biovista/nextflow-<n>/``, new for every start
(so a resumed run's log and trace never mix with an earlier run's), and the config asks for
the trace columns we read. Each task's stdout and stderr are its work directory's
``.command.out`` and ``.command.err``.

Nextflow itself cannot be installed on biovista's test machines: the tests run this module
against a stub launcher that replays real-format recordings of a Nextflow run
(``tests/data/nextflow``), writing them over time as Nextflow does.
"""

from __future__ import annotations

import csv
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from biovista.errors import BiovistaError, InvalidInputError, Problem
from biovista.models.statuses import JobStatus
from biovista.pipelines.events import Event, LogChunk, Progress
from biovista.pipelines.manifest import Manifest
from biovista.pipelines.nextflow_trace import (
    TRACE_FIELDS,
    LogTask,
    TraceReader,
    TraceRecord,
    parse_log_task,
    task_samples,
)
from biovista.pipelines.process import (
    ChildProcess,
    LineTail,
    RunningChild,
    TextTail,
    new_run_dir,
    read_job_output,
)
from biovista.pipelines.tracking import JobState, JobTable

STATE_DIR = ".biovista"
CONFIG = """\
// Written by biovista for this run: the trace columns it reads back.
trace {{
    overwrite = true
    fields = '{fields}'
}}
"""


class NextflowEngine:
    """Starts Nextflow workflows with the launcher ``executable`` (a name on the PATH or a
    path)."""

    name = "nextflow"

    def __init__(self, executable: str = "nextflow") -> None:
        self.executable = executable

    def start(
        self,
        workflow_dir: Path,
        manifest: Manifest,
        workdir: Path,
        params: dict[str, Any],
        samples_sheet: Path,
        resume: bool,
    ) -> RunningNextflow:
        entry = (workflow_dir / manifest.entry).resolve()
        if not entry.is_file():
            raise InvalidInputError(
                f"workflow {manifest.name!r} cannot start",
                [Problem(f"no Nextflow script at {entry}", where="entry")],
            )
        launcher = shutil.which(self.executable)
        if launcher is None:
            raise BiovistaError(
                f"cannot run Nextflow: {self.executable!r} is not an executable on this server "
                "(install Nextflow or set BIOVISTA_NEXTFLOW_EXECUTABLE)"
            )
        workdir = workdir.resolve()
        run_dir = new_run_dir(workdir / STATE_DIR, "nextflow")
        config = run_dir / "biovista.config"
        config.write_text(CONFIG.format(fields=",".join(TRACE_FIELDS)), encoding="utf-8")
        params_file = run_dir / "params.json"
        values = {
            # nf-core style workflows publish to --outdir: make it the folder biovista ingests
            "outdir": str(workdir / manifest.outputs),
            **params,
            "samples_sheet": str(samples_sheet.resolve()),
        }
        params_file.write_text(json.dumps(values, indent=2), encoding="utf-8")
        argv = [
            launcher,
            "-log",
            str(run_dir / "nextflow.log"),
            "-c",
            str(config),
            "run",
            str(entry),
            "-params-file",
            str(params_file),
            "-with-trace",
            str(run_dir / "trace.txt"),
            "-ansi-log",
            "false",
            *(["-resume"] if resume else []),
        ]
        process = ChildProcess(argv, cwd=workdir, log_path=run_dir / "console.log")
        return RunningNextflow(process, run_dir, sample_names(samples_sheet))


class RunningNextflow(RunningChild):
    """One Nextflow launcher process and what its log and trace said so far."""

    LOG_NAME = "nextflow.log"

    def __init__(self, process: ChildProcess, run_dir: Path, samples: set[str]) -> None:
        super().__init__(process, run_dir)
        self._samples = samples
        self._log = TextTail(self.log_path)
        self._partial_line = ""
        self._trace = LineTail(run_dir / "trace.txt")
        self._reader = TraceReader()
        self._jobs = JobTable()
        self._progress = (0, 0)
        self._closed = False

    def poll(self) -> list[Event]:
        returncode = self._process.returncode
        ended = returncode is not None
        changed: dict[str, JobState] = {}
        text = self._log.read(final=ended)
        for line in self._complete_lines(text, final=ended):
            task = parse_log_task(line)
            if task is not None:
                job = self._from_log(task)
                changed[job.engine_id] = job
        for line in self._trace.read(final=ended):
            record = self._reader.parse(line)
            if record is not None:
                job = self._from_trace(record)
                changed[job.engine_id] = job
        if ended and not self._closed:
            self._closed = True
            text += self._console_if_silent()
            for job in self._jobs.end_active(self._end_status(returncode), datetime.now(UTC)):
                changed[job.engine_id] = job
        events: list[Event] = [LogChunk(text)] if text else []
        events += [job.update() for job in changed.values()]
        progress = self._jobs.counts()
        if changed and progress != self._progress:
            self._progress = progress
            events.append(Progress(done=progress[0], total=progress[1]))
        return events

    def _complete_lines(self, text: str, final: bool) -> list[str]:
        """Whole log lines (a line Nextflow is still writing waits for its end)."""
        buffered = self._partial_line + text
        lines = buffered.split("\n")
        self._partial_line = "" if final else lines.pop()
        return lines

    def _from_log(self, task: LogTask) -> JobState:
        job = self._jobs.get(task.hash)
        if job.active:  # the trace, when it already spoke, knows better
            job.name = task.name
            job.samples = task_samples(None, task.name, self._samples)
            job.status = JobStatus.CACHED if task.cached else JobStatus.RUNNING
            job.started_at = job.started_at or task.at
            if task.cached:
                job.finished_at = job.finished_at or task.at
        return job

    def _from_trace(self, record: TraceRecord) -> JobState:
        job = self._jobs.get(record.hash)
        job.name = record.name
        job.samples = task_samples(record.tag, record.name, self._samples)
        job.status = record.status
        job.started_at = record.started_at or record.submitted_at or job.started_at
        job.finished_at = record.completed_at
        job.exit_code = record.exit_code
        if not job.active:
            job.finished_at = job.finished_at or datetime.now(UTC)
            if job.status == JobStatus.FAILED and self._process.ended_by_cancel(job.finished_at):
                job.status = JobStatus.CANCELLED
            if record.workdir:
                workdir = Path(record.workdir)
                job.stdout = read_job_output(workdir / ".command.out")
                job.stderr = read_job_output(workdir / ".command.err")
                job.inputs, job.outputs = task_files(workdir)
        return job

    def _end_status(self, returncode: int | None) -> str:
        """What became of tasks still in flight when the launcher ended."""
        if self._process.cancelled:
            return JobStatus.CANCELLED
        return JobStatus.SUCCEEDED if returncode == 0 else JobStatus.FAILED

    def _console_if_silent(self) -> str:
        """The launcher's own output, when it ended without writing a log (it could not
        start: no Java, a bad option), so that the reason still reaches the user."""
        if self._log.offset:
            return ""
        console = read_job_output(self.run_dir / "console.log")
        return f"Nextflow wrote no log; its output:\n{console}" if console else ""


def sample_names(sheet: Path) -> set[str]:
    """The sample names of a sample sheet (its ``sample`` column, else its first one)."""
    try:
        with sheet.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error):
        return set()
    if not rows:
        return set()
    header = [cell.strip() for cell in rows[0]]
    column = header.index("sample") if "sample" in header else 0
    return {row[column].strip() for row in rows[1:] if len(row) > column and row[column].strip()}


def task_files(workdir: Path, limit: int = 1000) -> tuple[list[str], list[str]]:
    """(inputs, outputs) of a finished task, from its work directory: Nextflow stages the
    inputs there as symbolic links and the task writes its outputs next to them. Nextflow's
    own ``.command.*`` files are left out; at most ``limit`` entries are looked at."""
    inputs: list[str] = []
    outputs: list[str] = []
    pending = [workdir]
    seen = 0
    while pending and seen < limit:
        folder = pending.pop()
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if folder == workdir and entry.name.startswith((".command", ".exitcode")):
                continue
            if entry.is_symlink():
                inputs.append(str(entry.resolve()))
            elif entry.is_dir():
                pending.append(entry)
            else:
                outputs.append(str(entry))
    return inputs, outputs
