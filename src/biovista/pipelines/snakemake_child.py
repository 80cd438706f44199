"""The process that runs one Snakemake workflow for biovista, started by ``SnakemakeEngine``.

It runs Snakemake 9 through its Python API and leaves three things the parent reads by byte
offset while it runs: one JSON line per structured Snakemake event (``events.jsonl``), the
log text (its own stdout/stderr, which the parent points at the execution log), and each
job's stdout/stderr in ``jobs/<jobid>.out`` / ``.err``.

Snakemake lets every job's commands write straight to its own stdout/stderr, so output of
jobs running side by side would mix. To keep it apart, the processes a job starts
(``shell:``, ``script:``, ``wrapper:`` and spawned ``run:`` jobs) get their stdout/stderr
redirected into that job's files: the local executor's job functions are wrapped to note
which job a thread works for, and the subprocess module Snakemake's shell uses is given a
``Popen`` that reads that note. These hooks rely on Snakemake 9 internals
(``snakemake.shell.sp``, ``snakemake.executors.local.run_wrapper`` and ``Executor.spawn_job``);
each is checked at start and a missing one only loses per-job output, never the run.

Run as ``python -m biovista.pipelines.snakemake_child <spec.json>``.
"""

from __future__ import annotations

import importlib
import inspect
import json
import logging
import shutil
import subprocess
import sys
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

STRUCTURED_EVENTS = ("job_info", "job_started", "job_finished", "job_error", "progress")
"""The Snakemake log events written to the events file (``LogEvent`` values)."""

EXIT_EVENT = "shell_exit"
"""Our own event: a process started by a job ended with this return code."""


@dataclass(frozen=True)
class ChildSpec:
    """What the parent asks the child to run (written by the parent as JSON)."""

    snakefile: str
    workdir: str
    config: dict[str, Any]
    cores: int
    resume: bool
    events: str
    jobs_dir: str

    @classmethod
    def read(cls, path: Path) -> ChildSpec:
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")


class EventWriter:
    """Appends one JSON object per line; a line is written whole, so readers see complete
    lines or nothing of it."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("a", encoding="utf-8")
        self._lock = threading.Lock()

    def write(self, event: dict[str, Any]) -> None:
        line = json.dumps(event, default=str) + "\n"
        with self._lock:
            if self._file.closed:  # Snakemake may still log while shutting down
                return
            self._file.write(line)
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            self._file.close()


class EventHandler(logging.Handler):
    """Copies Snakemake's structured log records (job_info, progress, ...) to the events file."""

    def __init__(self, writer: EventWriter) -> None:
        super().__init__(level=logging.DEBUG)
        self._writer = writer

    def emit(self, record: logging.LogRecord) -> None:
        event = str(getattr(record, "event", "") or "")
        if event not in STRUCTURED_EVENTS:
            return
        data: dict[str, Any] = {"event": event, "time": _utc(record.created)}
        for key in ("jobid", "job_id", "jobs", "rule_name", "wildcards", "input", "output"):
            if hasattr(record, key):
                data[key] = getattr(record, key)
        for key in ("log", "done", "total", "shellcmd", "rule_msg", "aux"):
            if hasattr(record, key):
                data[key] = getattr(record, key)
        try:
            self._writer.write(data)
        except Exception:  # a broken events file must not stop the workflow
            self.handleError(record)


class JobOutput:
    """Routes the stdout/stderr of processes a job starts into that job's own files."""

    def __init__(self, jobs_dir: Path, writer: EventWriter) -> None:
        self._dir = jobs_dir
        self._writer = writer
        self._current = threading.local()

    @contextmanager
    def working_for(self, jobid: int | None) -> Iterator[None]:
        """Processes this thread starts meanwhile belong to job ``jobid``."""
        previous = getattr(self._current, "jobid", None)
        self._current.jobid = jobid
        try:
            yield
        finally:
            self._current.jobid = previous

    def popen_class(self) -> type[subprocess.Popen[Any]]:
        """A ``Popen`` that sends the output of the current job's processes to its files."""
        output = self

        class JobPopen(subprocess.Popen[Any]):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                self.biovista_jobid = getattr(output._current, "jobid", None)
                if self.biovista_jobid is None:
                    super().__init__(*args, **kwargs)
                    return
                opened = []
                base = output._dir / str(self.biovista_jobid)
                if kwargs.get("stdout") in (None, sys.stdout):
                    kwargs["stdout"] = base.with_suffix(".out").open("ab")
                    opened.append(kwargs["stdout"])
                if kwargs.get("stderr") in (None, sys.stderr):
                    kwargs["stderr"] = base.with_suffix(".err").open("ab")
                    opened.append(kwargs["stderr"])
                try:
                    super().__init__(*args, **kwargs)
                finally:
                    for handle in opened:  # the child process holds its own copies
                        handle.close()

            def wait(self, timeout: float | None = None) -> int:
                code = super().wait(timeout)
                if self.biovista_jobid is not None:
                    output._writer.write(
                        {
                            "event": EXIT_EVENT,
                            "time": _utc(None),
                            "jobid": self.biovista_jobid,
                            "returncode": code,
                        }
                    )
                    self.biovista_jobid = None  # report once, however often wait() is called
                return code

        return JobPopen

    def install(self) -> list[str]:
        """Hook into Snakemake's local executor and shell; the names of hooks that failed."""
        missing: list[str] = []
        try:  # by module name: the package's attribute ``snakemake.shell`` is the class
            local = importlib.import_module("snakemake.executors.local")
            snakemake_shell = importlib.import_module("snakemake.shell")
        except ImportError:
            return ["snakemake.shell", "snakemake.executors.local"]
        popen = self.popen_class()

        def check_call(args: Any, **kwargs: Any) -> int:
            with popen(args, **kwargs) as process:
                code = process.wait()
            if code:
                raise subprocess.CalledProcessError(code, args)
            return 0

        proxy = types.SimpleNamespace(
            **{name: getattr(subprocess, name) for name in dir(subprocess) if name[:2] != "__"}
        )
        proxy.Popen = popen
        proxy.check_call = check_call
        for module, name in ((snakemake_shell, "sp"), (local, "subprocess")):
            if getattr(module, name, None) is subprocess:
                setattr(module, name, proxy)
            else:
                missing.append(f"{module.__name__}.{name}")
        run_wrapper = getattr(local, "run_wrapper", None)
        if callable(run_wrapper) and "jobid" in inspect.signature(run_wrapper).parameters:
            setattr(local, "run_wrapper", self._wrap_run(run_wrapper))  # noqa: B010
        else:
            missing.append(f"{local.__name__}.run_wrapper")
        executor = getattr(local, "Executor", None)
        spawn_job = getattr(executor, "spawn_job", None)
        if callable(spawn_job):
            setattr(executor, "spawn_job", self._wrap_spawn(spawn_job))  # noqa: B010
        else:
            missing.append(f"{local.__name__}.Executor.spawn_job")
        return missing

    def _wrap_run(self, run_wrapper: Callable[..., Any]) -> Callable[..., Any]:
        signature = inspect.signature(run_wrapper)

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            jobid = signature.bind(*args, **kwargs).arguments.get("jobid")
            with self.working_for(jobid):
                return run_wrapper(*args, **kwargs)

        return wrapped

    def _wrap_spawn(self, spawn_job: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(executor: Any, job: Any) -> Any:
            with self.working_for(getattr(job, "jobid", None)):
                return spawn_job(executor, job)

        return wrapped


def run(spec: ChildSpec) -> int:
    """Run the workflow; 0 when every job succeeded."""
    from snakemake.api import SnakemakeApi  # type: ignore[import-untyped]
    from snakemake.logging import logger  # type: ignore[import-untyped]
    from snakemake.settings.types import (  # type: ignore[import-untyped]
        ConfigSettings,
        DAGSettings,
        OutputSettings,
        ResourceSettings,
    )

    writer = EventWriter(Path(spec.events))
    jobs = JobOutput(Path(spec.jobs_dir), writer)
    with SnakemakeApi(OutputSettings(nocolor=True, show_failed_logs=True)) as api:
        # The API's logger manager removes existing handlers, so ours comes after it.
        logger.addHandler(EventHandler(writer))
        for hook in jobs.install():
            logger.warning(f"biovista: cannot hook {hook}; job output stays in this log")
        try:
            workflow = api.workflow(
                resource_settings=ResourceSettings(cores=spec.cores),
                config_settings=ConfigSettings(config=spec.config),
                snakefile=Path(spec.snakefile),
                workdir=Path(spec.workdir),
            )
            if spec.resume:  # a cancelled or killed run leaves its lock behind
                shutil.rmtree(Path(spec.workdir, ".snakemake", "locks"), ignore_errors=True)
            dag = workflow.dag(dag_settings=DAGSettings(force_incomplete=spec.resume))
            dag.execute_workflow()
        except Exception as exc:
            api.print_exception(exc)
            return 1
        finally:
            writer.close()
    return 0


def _utc(created: float | None) -> str:
    moment = datetime.now(UTC) if created is None else datetime.fromtimestamp(created, UTC)
    return moment.isoformat()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m biovista.pipelines.snakemake_child <spec.json>", file=sys.stderr)
        return 2
    return run(ChildSpec.read(Path(args[0])))


if __name__ == "__main__":
    sys.exit(main())
