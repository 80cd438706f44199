"""A stand-in for the Nextflow launcher, for tests: Nextflow cannot run on these machines.

``write_stub(folder)`` writes an executable ``nextflow`` that replays a run recorded in
``tests/data/nextflow`` (``run-failed``, or ``run-resumed`` with ``-resume``) the way
Nextflow writes it: ``.nextflow.log`` line by line, each task's work directory when the task
is submitted (its input staged as a link), the trace header at start and a task's trace
line when the log says it completed (half a line first, the rest a moment later), the
lines of tasks still in flight at the end, and exit code 1 when a task failed. While tasks
run it keeps a child process alive (like a task's ``bash``), so that cancelling must reach
the whole process group.
"""

from __future__ import annotations

import sys
from pathlib import Path

FIXTURES = Path(__file__).parents[1] / "data" / "nextflow"
RECORDED_LAUNCH_DIR = "/home/ana/penguins"
"""The folder the recordings were made in; the stub puts its own workdir in its place."""

STUB = r"""#!{python}
import json, re, shutil, subprocess, sys, time
from pathlib import Path

FIXTURES = Path({fixtures!r})
SAMPLES = FIXTURES.parent / "workflows" / "samples"
RECORDED = {recorded!r}
args = sys.argv[1:]


def option(name):
    return args[args.index(name) + 1]


here = Path.cwd()
(here / ".stub-argv.json").write_text(json.dumps(args))
params = json.loads(Path(option("-params-file")).read_text())
task_seconds = float(params.get("sleep", 0))
run = FIXTURES / ("run-resumed" if "-resume" in args else "run-failed")
trace_lines = (run / "trace.txt").read_text().replace(RECORDED, str(here)).splitlines()
header, records = trace_lines[0], [line.split("\t") for line in trace_lines[1:]]
unwritten = {{record[1]: "\t".join(record) for record in records}}
by_task_id = {{record[0]: record[1] for record in records}}
log = open(option("-log"), "a")
trace = None
task_process = None


def write_trace(task_hash, pause):
    line = unwritten.pop(task_hash, None)
    if line is None:
        return
    half = len(line) // 2
    trace.write(line[:half])
    trace.flush()
    time.sleep(pause)
    trace.write(line[half:] + "\n")
    trace.flush()


for line in (run / "nextflow.log").read_text().replace(RECORDED, str(here)).splitlines(True):
    log.write(line)
    log.flush()
    if "Workflow started -- trace file" in line:
        trace = open(option("-with-trace"), "w")
        trace.write(header + "\n")
        trace.flush()
    task = re.search(r"\[(\w\w)/(\w{{6}})\] (Submitted|Cached) process > \w+ \((\w+)\)", line)
    if task:
        for source in (run / "work" / task[1]).glob(task[2] + "*"):
            target = here / "work" / task[1] / source.name
            shutil.copytree(source, target, dirs_exist_ok=True)
            staged = target / (task[4] + ".csv")  # Nextflow stages inputs as links
            if not staged.is_symlink():
                staged.symlink_to(SAMPLES / staged.name)
        if task[3] == "Cached":
            write_trace(task[1] + "/" + task[2], 0.01)
        elif task_process is None:
            task_process = subprocess.Popen(["sleep", "60"])
        time.sleep(task_seconds)
    done = re.search(r"Task completed > TaskHandler\[id: (\d+);", line)
    if done:
        write_trace(by_task_id[done[1]], 0.05)
    if "Workflow completed -- saving trace file" in line:
        for task_hash in list(unwritten):
            write_trace(task_hash, 0.0)
        if task_process is not None:
            task_process.kill()
    time.sleep(0.01)
sys.exit(1 if any(record[5] == "FAILED" for record in records) else 0)
"""


def write_stub(folder: Path) -> Path:
    """An executable ``folder/nextflow`` that replays the recorded runs."""
    path = folder / "nextflow"
    path.write_text(
        STUB.format(python=sys.executable, fixtures=str(FIXTURES), recorded=RECORDED_LAUNCH_DIR)
    )
    path.chmod(0o755)
    return path
