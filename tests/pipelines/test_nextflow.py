"""Nextflow through its trace file and log, replayed by a stub launcher.

Nextflow cannot run on these machines: ``nextflow_stub`` replays real-format recordings
(``tests/data/nextflow``) over time, as Nextflow writes them.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from biovista.config import Settings
from biovista.errors import BiovistaError
from biovista.pipelines.engine import engine_for
from biovista.pipelines.events import JobUpdate
from biovista.pipelines.manifest import load_manifest
from biovista.pipelines.nextflow import NextflowEngine, RunningNextflow
from biovista.pipelines.nextflow_trace import TraceReader, parse_log_task, task_samples
from biovista.pipelines.process import LineTail, process_group_alive
from tests.pipelines.nextflow_stub import write_stub
from tests.pipelines.running import DATA, Observed, follow, wait_for

WORKFLOW = DATA / "nextflow" / "penguin-summary"


def local(text: str) -> datetime:
    """A time as Nextflow writes it (local time) in UTC."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").astimezone(UTC)


def start(tmp_path: Path, workdir: Path, resume: bool = False, **params: str) -> RunningNextflow:
    manifest = load_manifest(WORKFLOW)
    engine = NextflowEngine(executable=str(write_stub(tmp_path)))
    sheet = workdir / manifest.samples_sheet
    return engine.start(WORKFLOW, manifest, workdir, manifest.coerce(params), sheet, resume)


def test_trace_lines_are_read_by_their_header() -> None:
    reader = TraceReader()
    lines = (DATA / "nextflow" / "run-failed" / "trace.txt").read_text().splitlines()
    assert reader.parse(lines[0]) is None
    records = [reader.parse(line) for line in lines[1:]]
    assert [(r.hash, r.status, r.exit_code) for r in records if r] == [
        ("3f/9a1c2e", "succeeded", 0),
        ("a7/41d0b3", "failed", 1),
        ("c2/7e55f1", "cancelled", None),
    ]
    first = records[0]
    assert first is not None
    assert (first.task_id, first.name, first.tag) == ("1", "SUMMARISE (colony_a)", "colony_a")
    assert first.started_at == local("2024-05-01 10:11:11.641")
    assert first.completed_at == local("2024-05-01 10:11:12.731")
    assert records[2] is not None and records[2].completed_at is None


def test_log_lines_announce_submitted_and_cached_tasks() -> None:
    line = (
        "May-01 10:14:03.806 [Actor Thread 4] INFO  nextflow.processor.TaskProcessor - "
        "[3f/9a1c2e] Cached process > SUMMARISE (colony_a)"
    )
    now = datetime(2024, 6, 1, tzinfo=UTC)
    task = parse_log_task(line, now)
    assert task is not None
    assert (task.hash, task.name, task.cached) == ("3f/9a1c2e", "SUMMARISE (colony_a)", True)
    assert task.at == local("2024-05-01 10:14:03.806")
    submitted = parse_log_task(line.replace("Cached", "Submitted"), now)
    assert submitted is not None and not submitted.cached
    assert parse_log_task(line.replace("INFO  nextflow.processor.TaskProcessor", "DEBUG x")) is None


def test_samples_come_from_tags_or_names() -> None:
    known = {"colony_a", "colony_b"}
    assert task_samples("colony_a", "SUMMARISE (colony_a)", known) == ["colony_a"]
    assert task_samples(None, "SUMMARISE (colony_b)", known) == ["colony_b"]
    assert task_samples(None, "SUMMARISE (1)", known) == []
    assert task_samples("colony_a vs colony_b", "COMPARE", known) == ["colony_a", "colony_b"]
    assert task_samples("merged", "MERGE (merged)", known) == []
    assert task_samples("merged", "MERGE (merged)", set()) == ["merged"]


def test_half_written_trace_lines_wait_for_their_end(tmp_path: Path) -> None:
    trace = tmp_path / "trace.txt"
    tail = LineTail(trace)
    assert tail.read() == []
    trace.write_text("task_id\thash\n1\t3f/9a")
    assert tail.read() == ["task_id\thash"]
    with trace.open("a") as handle:
        handle.write("1c2e\n2\ta7/41")
    assert tail.read() == ["1\t3f/9a1c2e"]
    assert tail.read(final=True) == ["2\ta7/41"]


def test_a_failed_run_is_reported_task_by_task(tmp_path: Path, workdir: Path) -> None:
    run = start(tmp_path, workdir, fail_sample="colony_b")
    observed = follow(run)
    assert run.returncode == 1

    running = [e for e in observed.while_running if isinstance(e, JobUpdate)]
    assert any(update.status == "running" for update in running)
    jobs = observed.jobs()
    assert {name: job.status for name, job in jobs.items()} == {
        "SUMMARISE (colony_a)": "succeeded",
        "SUMMARISE (colony_b)": "failed",
        "SUMMARISE (colony_c)": "cancelled",  # ABORTED: Nextflow stopped it after the failure
    }
    done, failed = jobs["SUMMARISE (colony_a)"], jobs["SUMMARISE (colony_b)"]
    assert done.engine_id == "3f/9a1c2e" and done.samples == ["colony_a"]
    assert "colony_a: 12 birds of 2 species" in done.stdout
    assert done.exit_code == 0 and done.finished_at == local("2024-05-01 10:11:12.731")
    assert done.inputs == [str(DATA / "workflows" / "samples" / "colony_a.csv")]
    assert [Path(path).name for path in done.outputs] == ["summary.csv"]
    assert failed.exit_code == 1
    assert "sample colony_b fails on purpose" in failed.stderr
    assert observed.progress()[-1].done == observed.progress()[-1].total == 3

    assert observed.log() == run.log_path.read_text()
    assert "Execution complete -- Goodbye" in observed.log()
    argv = json.loads((workdir / ".stub-argv.json").read_text())
    assert argv[:2] == ["-log", str(run.log_path)] and "-resume" not in argv
    assert argv[argv.index("-with-trace") + 1] == str(run.run_dir / "trace.txt")
    config = Path(argv[argv.index("-c") + 1]).read_text()
    assert "fields = 'task_id,hash,native_id,name,tag,status,exit,submit,start" in config
    params = json.loads(Path(argv[argv.index("-params-file") + 1]).read_text())
    assert params["fail_sample"] == "colony_b" and params["min_mass"] == 0.0
    assert params["samples_sheet"] == str(workdir / "samples.csv")


def test_resume_reports_cached_tasks(tmp_path: Path, workdir: Path) -> None:
    follow(start(tmp_path, workdir, fail_sample="colony_b"))
    run = start(tmp_path, workdir, resume=True)
    observed = follow(run)
    assert run.returncode == 0
    assert "-resume" in json.loads((workdir / ".stub-argv.json").read_text())
    assert run.run_dir.name == "nextflow-2"
    jobs = observed.jobs()
    assert {name: job.status for name, job in jobs.items()} == {
        "SUMMARISE (colony_a)": "cached",
        "SUMMARISE (colony_b)": "succeeded",
        "SUMMARISE (colony_c)": "succeeded",
    }
    assert "colony_a: 12 birds" in jobs["SUMMARISE (colony_a)"].stdout  # the earlier work dir
    assert observed.log().startswith("May-01 10:14:02.315")  # this run's log only


def test_cancel_stops_the_launcher_and_its_tasks(tmp_path: Path, workdir: Path) -> None:
    run = start(tmp_path, workdir, sleep="30")
    observed = Observed()
    wait_for(run, observed, running=1)
    began = time.monotonic()
    run.cancel(grace=5)
    assert time.monotonic() - began < 5
    assert run.returncode is not None
    assert not process_group_alive(run.pid)
    follow(run, observed)
    assert [job.status for job in observed.jobs().values()] == ["cancelled"]


def test_engine_for_uses_the_configured_launcher(tmp_path: Path, workdir: Path) -> None:
    engine = engine_for("nextflow", Settings(nextflow_executable="no-such-nextflow"))
    assert isinstance(engine, NextflowEngine)
    manifest = load_manifest(WORKFLOW)
    with pytest.raises(BiovistaError, match="BIOVISTA_NEXTFLOW_EXECUTABLE"):
        engine.start(WORKFLOW, manifest, workdir, {}, workdir / "samples.csv", resume=False)
