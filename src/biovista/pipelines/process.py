"""The engine's child process and the files it leaves, as every engine needs them.

An engine runs as a child in a process group of its own, so cancelling reaches every job
it started; its files are read by byte offset, so each poll returns only what is new.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

MAX_JOB_OUTPUT = 256 * 1024
"""Characters of a job's stdout or stderr kept (the end: that is where errors are)."""


class ChildProcess:
    """A command started in its own process group, writing stdout and stderr to a log file."""

    def __init__(
        self,
        argv: Sequence[str],
        cwd: Path,
        log_path: Path,
        env: Mapping[str, str] | None = None,
    ) -> None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as log:
            self._process = subprocess.Popen(
                list(argv),
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: cancel reaches every job
                env=dict(os.environ if env is None else env),
            )
        self.pid = self._process.pid
        self.cancelled_at: datetime | None = None
        """When cancel() was called: jobs that end after it were ended by it."""

    @property
    def returncode(self) -> int | None:
        """None while the engine runs."""
        return self._process.poll()

    def cancel(self, grace: float = 10) -> None:
        """SIGTERM to the whole group, SIGKILL to whatever is left after ``grace`` seconds;
        returns once the engine and every process of its group are gone."""
        self.cancelled_at = self.cancelled_at or datetime.now(UTC)
        _signal_group(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if self._process.poll() is not None and not process_group_alive(self.pid):
                return
            time.sleep(0.05)
        _signal_group(self.pid, signal.SIGKILL)
        self._process.wait()
        deadline = time.monotonic() + 5
        while process_group_alive(self.pid) and time.monotonic() < deadline:
            time.sleep(0.02)

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

    def ended_by_cancel(self, moment: datetime) -> bool:
        """Whether something that ended at ``moment`` was ended by our cancel."""
        return self.cancelled_at is not None and moment >= self.cancelled_at

    def wait(self, timeout: float | None = None) -> int:
        return self._process.wait(timeout)


class RunningChild:
    """What every running engine shares: its child process, its run folder and its log."""

    LOG_NAME = ""
    """The engine's log file in the run folder (the execution log readers follow)."""

    def __init__(self, process: ChildProcess, run_dir: Path) -> None:
        self._process = process
        self.run_dir = run_dir

    @property
    def log_path(self) -> Path:
        return self.run_dir / self.LOG_NAME

    @property
    def pid(self) -> int:
        """The engine process, also the id of its process group."""
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.returncode

    def cancel(self, grace: float = 10) -> None:
        self._process.cancel(grace)


def process_group_alive(pgid: int) -> bool:
    """Whether any process of group ``pgid`` still runs (zombies do not count: they are
    finished and only wait for their parent to collect them)."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
            return True
    return False


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
        os.killpg(pgid, sig)


class LineTail:
    """Complete lines appended to a file since the last read (a half-written last line
    waits for its end, unless ``final``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0

    def read(self, final: bool = False) -> list[str]:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self.offset)
                data = handle.read()
        except FileNotFoundError:
            return []
        end = len(data) if final else data.rfind(b"\n") + 1
        self.offset += end
        text = data[:end].decode("utf-8", errors="replace")
        return [line.rstrip("\r") for line in text.split("\n") if line.strip()]


class TextTail:
    """Text appended to a file since the last read; a UTF-8 character cut in two by the
    writer is kept back until its second half arrives."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def read(self, final: bool = False) -> str:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self.offset)
                data = handle.read()
        except FileNotFoundError:
            data = b""
        self.offset += len(data)
        return self._decoder.decode(data, final=final)


def read_job_output(path: Path, limit: int = MAX_JOB_OUTPUT) -> str:
    """A job's output file as text, its end only when it is long; '' when there is none."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - limit * 4))
            data = handle.read()
    except OSError:
        return ""
    text = data.decode("utf-8", errors="replace")
    if len(text) > limit or size > len(data):
        return f"[... the first part is cut; {size} bytes in {path.name} ...]\n" + text[-limit:]
    return text


def new_run_dir(state_dir: Path, prefix: str) -> Path:
    """A new folder ``state_dir/<prefix>-<n>`` for one start of an engine; n counts up, so a
    resumed run in the same workdir keeps the files of the runs before it."""
    state_dir.mkdir(parents=True, exist_ok=True)
    suffixes = [entry.name.rsplit("-", 1)[1] for entry in state_dir.glob(f"{prefix}-*")]
    number = max((int(suffix) for suffix in suffixes if suffix.isdigit()), default=0) + 1
    while True:
        run_dir = state_dir / f"{prefix}-{number}"
        try:
            run_dir.mkdir()
        except FileExistsError:  # another start took it meanwhile
            number += 1
            continue
        return run_dir
