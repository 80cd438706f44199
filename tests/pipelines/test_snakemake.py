"""Snakemake 9 for real: the fixture workflow runs, fails, is cancelled and resumed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from biovista.config import Settings
from biovista.errors import InvalidInputError
from biovista.pipelines.engine import engine_for
from biovista.pipelines.events import JobUpdate
from biovista.pipelines.manifest import Manifest, load_manifest
from biovista.pipelines.process import process_group_alive
from biovista.pipelines.snakemake import RunningSnakemake, SnakemakeEngine
from tests.pipelines.running import DATA, SAMPLES, Observed, follow, wait_for

WORKFLOW = DATA / "workflows" / "penguin-summary"


def start(
    workdir: Path, resume: bool = False, workflow: Path = WORKFLOW, **params: str
) -> RunningSnakemake:
    manifest = load_manifest(workflow)
    sheet = workdir / manifest.samples_sheet
    return SnakemakeEngine(cores=2).start(
        workflow, manifest, workdir, manifest.coerce(params), sheet, resume
    )


def summary(sample: str) -> str:
    return f"summarise (sample={sample})"


def test_a_run_reports_its_jobs_while_it_runs(workdir: Path) -> None:
    run = start(workdir, sleep="0.3", min_mass="3500")
    observed = follow(run)
    assert run.returncode == 0, observed.log()

    running = [e for e in observed.while_running if isinstance(e, JobUpdate)]
    assert any(update.status == "running" for update in running)
    jobs = observed.jobs()
    assert set(jobs) == {summary(sample) for sample in SAMPLES} | {"all"}
    assert {job.status for job in jobs.values()} == {"succeeded"}
    first = jobs[summary("colony_a")]
    assert [u.status for u in observed.updates(summary("colony_a"))] == ["running", "succeeded"]
    assert first.samples == ["colony_a"] and jobs["all"].samples == []
    assert first.inputs == [str(DATA / "workflows" / "samples" / "colony_a.csv")]
    assert first.outputs == ["results/colony_a/summary.csv"]
    assert first.exit_code == 0 and "colony_a: 10 birds of 2 species" in first.stdout
    assert first.started_at is not None and first.finished_at is not None
    assert first.started_at.tzinfo is not None and first.started_at <= first.finished_at

    progress = observed.progress()
    assert progress[-1].done == progress[-1].total == 4
    assert [p.done for p in progress] == sorted(p.done for p in progress)
    assert (workdir / "results" / "colony_a" / "summary.csv").read_text().splitlines() == [
        "sample,species,birds,mean_body_mass_g,mean_flipper_length_mm",
        "colony_a,Adelie,4,3706.2,184.5",
        "colony_a,Gentoo,6,5050.0,215.7",
    ]
    assert observed.log() == run.log_path.read_text()
    assert "4 of 4 steps (100%) done" in observed.log()
    assert run.poll() == []  # nothing is ever reported twice


def test_a_failing_job_reports_its_stderr_and_resume_runs_only_what_is_missing(
    workdir: Path,
) -> None:
    run = start(workdir, fail_sample="colony_b")
    observed = follow(run)
    assert run.returncode == 1
    failed = observed.jobs()[summary("colony_b")]
    assert failed.status == "failed" and failed.exit_code == 1
    assert "sample colony_b fails on purpose (fail_sample=colony_b)" in failed.stderr
    assert "summarising colony_b" in failed.stdout
    others = [job for name, job in observed.jobs().items() if name != summary("colony_b")]
    assert {job.status for job in others} <= {"succeeded"}  # which ran first is Snakemake's pick
    assert "Error in rule summarise" in observed.log()

    results = workdir / "results"
    kept = {sample: (results / sample / "summary.csv") for sample in SAMPLES}
    kept_times = {s: p.stat().st_mtime_ns for s, p in kept.items() if p.exists()}
    assert kept_times and "colony_b" not in kept_times  # a job running beside it finished
    resumed = start(workdir, resume=True)
    again = follow(resumed)
    assert resumed.returncode == 0, again.log()
    assert resumed.log_path != run.log_path  # each start has its own log and events
    missing = {summary(sample) for sample in SAMPLES if sample not in kept_times}
    assert set(again.jobs()) == missing | {"all"}
    assert {job.status for job in again.jobs().values()} == {"succeeded"}
    assert again.progress()[-1].done == again.progress()[-1].total == len(missing) + 1
    assert {s: kept[s].stat().st_mtime_ns for s in kept_times} == kept_times


def test_cancel_kills_the_whole_process_group_and_resume_finishes(workdir: Path) -> None:
    run = start(workdir, sleep="30")
    observed = Observed()
    wait_for(run, observed, running=2)
    began = time.monotonic()
    run.cancel(grace=5)
    assert time.monotonic() - began < 6
    assert run.returncode is not None
    assert not process_group_alive(run.pid)
    follow(run, observed)
    jobs = observed.jobs()  # two of the three samples ran at once on two cores
    assert len(jobs) == 2 and set(jobs) < {summary(sample) for sample in SAMPLES}
    assert {job.status for job in jobs.values()} == {"cancelled"}

    resumed = start(workdir, resume=True)  # the cancelled run's lock and half-made outputs
    again = follow(resumed)
    assert resumed.returncode == 0, again.log()
    assert set(again.jobs()) == {summary(sample) for sample in SAMPLES} | {"all"}


def test_each_jobs_output_is_kept_apart(tmp_path: Path, workdir: Path) -> None:
    """shell:, run: and log: all end up in the job that produced them."""
    workflow = tmp_path / "workflow"
    workflow.mkdir()
    (workflow / "biovista-workflow.yaml").write_text("name: outputs\nengine: snakemake\n")
    (workflow / "Snakefile").write_text(
        """\
rule all:
    input: "by_shell.txt", "by_run.txt"

rule by_shell:
    output: "by_shell.txt"
    log: "logs/by_shell.log"
    shell: "echo shell says hi; echo shell complains >&2; echo into the log > {log}; touch {output}"

rule by_run:
    output: "by_run.txt"
    run:
        import sys
        print("run says hi")
        print("run complains", file=sys.stderr)
        shell("echo nested shell says hi")
        open(output[0], "w").close()
"""
    )
    observed = follow(start(workdir, workflow=workflow))
    jobs = observed.jobs()
    shell, python = jobs["by_shell"], jobs["by_run"]
    assert shell.stdout == "shell says hi\n"
    assert shell.stderr == "shell complains\n--- log: logs/by_shell.log ---\ninto the log\n"
    assert python.stdout == "run says hi\nnested shell says hi\n"
    assert "run complains" in python.stderr and "shell says hi" not in python.stderr


def test_engine_for_and_a_missing_snakefile(tmp_path: Path, workdir: Path) -> None:
    engine = engine_for("snakemake", Settings())
    assert isinstance(engine, SnakemakeEngine) and engine.cores == 2
    with pytest.raises(InvalidInputError, match="unknown workflow engine 'cromwell'"):
        engine_for("cromwell", Settings())
    manifest = Manifest(name="gone", engine="snakemake")
    with pytest.raises(InvalidInputError, match="no Snakefile"):
        engine.start(tmp_path, manifest, workdir, {}, workdir / "samples.csv", resume=False)
