"""Executions end to end in the embedded mode: a real Snakemake workflow over uploaded
samples, its jobs followed, its outputs ingested with lineage; failure, cancel, resume."""

from __future__ import annotations

import hashlib
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from biovista.auth.policy import LOCAL_ADMIN
from biovista.config import Settings
from biovista.db.migrate import ensure_schema
from biovista.db.models import Collection, Execution, Ingestion
from biovista.db.session import session_scope
from biovista.errors import ConflictError, InvalidInputError
from biovista.runtime import handlers_for
from biovista.services.samples.records import attach_file, create_sample
from biovista.services.samples.types import create_sample_type
from biovista.services.workflows import executions
from biovista.services.workflows.registry import register_workflow
from biovista.storage.sources import uploads_folder
from biovista.storage.tables import TableStore
from biovista.tasks import ThreadRunner

DATA = Path(__file__).resolve().parents[2] / "data" / "workflows"
PROJECT = "penguin-summary"
FINISHED = ("succeeded", "failed", "cancelled")


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    settings = Settings(data_dir=tmp_path / "data", task_heartbeat_seconds=0.2)
    ensure_schema(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as session:
        register_workflow(session, settings, LOCAL_ADMIN, str(DATA / "penguin-summary"))
        create_sample_type(
            session,
            LOCAL_ADMIN,
            "colony",
            attributes=[{"name": "island", "required": True}],
        )
        folder = uploads_folder(settings, PROJECT)
        folder.mkdir(parents=True, exist_ok=True)
        for name, island in (("colony_a", "Torgersen"), ("colony_b", "Biscoe")):
            sample = create_sample(
                session, LOCAL_ADMIN, PROJECT, name, "colony", {"island": island}
            )
            shutil.copy(DATA / "samples" / f"{name}.csv", folder / f"{name}.csv")
            data = (folder / f"{name}.csv").read_bytes()
            attach_file(session, sample, f"{name}.csv", len(data), hashlib.sha256(data).hexdigest())
    yield settings


@pytest.fixture
def runner(settings: Settings) -> Iterator[ThreadRunner]:
    runner = ThreadRunner(settings, handlers_for(settings))
    yield runner
    runner.shutdown()


def launch(settings: Settings, runner: ThreadRunner, **params: object) -> uuid.UUID:
    with session_scope(settings.resolved_database_url) as session:
        execution = executions.launch(
            session,
            settings,
            LOCAL_ADMIN,
            runner,
            PROJECT,
            params,  # type: ignore[arg-type]
            ["colony_a", "colony_b"],
        )
        return execution.id


def wait(settings: Settings, execution_id: uuid.UUID, statuses: tuple[str, ...]) -> Execution:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with session_scope(settings.resolved_database_url) as session:
            execution = session.get_one(Execution, execution_id)
            if execution.status in statuses:
                execution.jobs  # noqa: B018 - load the jobs before the session closes
                session.expunge_all()
                return execution
        time.sleep(0.2)
    raise AssertionError(f"execution {execution_id} never reached {statuses}")


def summaries(settings: Settings) -> pl.DataFrame:
    with session_scope(settings.resolved_database_url) as session:
        key = session.query(Collection).filter_by(name="summaries").one().table_key
    return TableStore(settings).scan(key).collect()


def test_an_execution_runs_ingests_and_traces_rows_back(
    settings: Settings, runner: ThreadRunner
) -> None:
    execution_id = launch(settings, runner)
    done = wait(settings, execution_id, FINISHED)
    assert (done.status, done.error, done.exit_code) == ("succeeded", None, 0)
    assert (done.jobs_done, done.jobs_total) == (done.jobs_total, len(done.jobs))
    by_name = {job.name: job for job in done.jobs}
    summarise = [job for job in done.jobs if job.name.startswith("summarise")]
    assert len(summarise) == 2, by_name
    assert all(job.status == "succeeded" and job.exit_code in (0, None) for job in done.jobs)
    assert sorted(s for job in summarise for s in job.samples) == ["colony_a", "colony_b"]
    assert all(job.started_at and job.finished_at for job in summarise)

    rows = summaries(settings)
    assert sorted(set(rows["sample"].to_list())) == ["colony_a", "colony_b"]
    assert set(rows["_file"].to_list()) == {
        f"{execution_id}/colony_a/summary.csv",
        f"{execution_id}/colony_b/summary.csv",
    }
    with session_scope(settings.resolved_database_url) as session:
        ingestion = session.get_one(Ingestion, done.ingestion_id)
        assert ingestion.status == "succeeded"
        traced = executions.lineage(
            session, LOCAL_ADMIN, PROJECT, f"{execution_id}/colony_b/summary.csv"
        )
    assert traced.execution_id == execution_id
    assert traced.workflow == PROJECT
    assert traced.samples == ["colony_b"]
    assert traced.job is not None and traced.job.startswith("summarise")

    with session_scope(settings.resolved_database_url) as session:
        log = executions.read_log(session, LOCAL_ADMIN, execution_id, 0, 1 << 20)
        assert log.complete and log.size > 0 and log.next_offset == log.size
        tail = executions.read_log(session, LOCAL_ADMIN, execution_id, log.size - 10, 100)
        assert tail.text == log.text[-10:]


def test_a_failing_job_shows_its_stderr_and_resume_runs_only_the_rest(
    settings: Settings, runner: ThreadRunner
) -> None:
    execution_id = launch(settings, runner, fail_sample="colony_b")
    failed = wait(settings, execution_id, FINISHED)
    assert failed.status == "failed"
    (broken,) = [job for job in failed.jobs if job.status == "failed"]
    assert "colony_b" in broken.samples
    assert "colony_b" in broken.stderr and failed.error and broken.name in failed.error
    assert summaries_missing(settings)
    kept = {job.name for job in failed.jobs if job.status == "succeeded"}
    assert any("colony_a" in name for name in kept)

    with session_scope(settings.resolved_database_url) as session:
        again = executions.rerun(
            session, settings, LOCAL_ADMIN, runner, execution_id, True, {"fail_sample": ""}
        )
        again_id = again.id
    resumed = wait(settings, again_id, FINISHED)
    assert resumed.status == "succeeded", resumed.error
    assert resumed.resumed_from_id == execution_id
    ran = [job.name for job in resumed.jobs if job.name.startswith("summarise")]
    assert len(ran) == 1 and "colony_b" in ran[0]
    assert sorted(set(summaries(settings)["sample"].to_list())) == ["colony_a", "colony_b"]
    with session_scope(settings.resolved_database_url) as session:
        kept = executions.lineage(session, LOCAL_ADMIN, PROJECT, f"{again_id}/colony_a/summary.csv")
    assert kept.execution_id == again_id and kept.samples == ["colony_a"]
    assert kept.job is not None and "colony_a" in kept.job  # made by the first attempt


def summaries_missing(settings: Settings) -> bool:
    with session_scope(settings.resolved_database_url) as session:
        return session.query(Collection).filter_by(name="summaries").one().files == []


def test_cancel_stops_the_engine_and_marks_running_jobs(
    settings: Settings, runner: ThreadRunner
) -> None:
    execution_id = launch(settings, runner, sleep=60)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        running = wait(settings, execution_id, ("running", *FINISHED))
        if any(job.status == "running" for job in running.jobs):
            break
        time.sleep(0.2)
    with session_scope(settings.resolved_database_url) as session:
        executions.cancel(session, LOCAL_ADMIN, execution_id)
    asked = time.monotonic()
    cancelled = wait(settings, execution_id, FINISHED)
    assert cancelled.status == "cancelled"
    assert time.monotonic() - asked < 20
    assert {job.status for job in cancelled.jobs} <= {"cancelled", "succeeded"}
    assert any(job.status == "cancelled" for job in cancelled.jobs)
    with session_scope(settings.resolved_database_url) as session, pytest.raises(ConflictError):
        executions.cancel(session, LOCAL_ADMIN, execution_id)


def test_bad_launches_are_refused_with_reasons(settings: Settings, runner: ThreadRunner) -> None:
    with session_scope(settings.resolved_database_url) as session:
        with pytest.raises(InvalidInputError, match="min_mas"):
            executions.launch(
                session, settings, LOCAL_ADMIN, runner, PROJECT, {"min_mas": "1"}, ["colony_a"]
            )
        with pytest.raises(InvalidInputError, match="digits"):
            executions.launch(
                session, settings, LOCAL_ADMIN, runner, PROJECT, {"digits": "two"}, ["colony_a"]
            )
        with pytest.raises(InvalidInputError, match="at least one sample"):
            executions.launch(session, settings, LOCAL_ADMIN, runner, PROJECT, {}, [])
        with pytest.raises(Exception, match="colony_z"):
            executions.launch(session, settings, LOCAL_ADMIN, runner, PROJECT, {}, ["colony_z"])
        assert session.query(Execution).count() == 0
    with pytest.raises(InvalidInputError, match="line 3: the sample name is empty"):
        executions.samples_from_sheet("sample,note\ncolony_a,x\n,y\n")


def test_a_queued_execution_cancelled_never_starts(settings: Settings) -> None:
    """With one task at a time, the second launch waits; cancelled there, it ends at once."""
    runner = ThreadRunner(settings.model_copy(update={"task_workers": 1}), handlers_for(settings))
    try:
        busy = launch(settings, runner, sleep=60)
        waiting = launch(settings, runner)
        assert wait(settings, waiting, ("queued",)).status == "queued"
        with session_scope(settings.resolved_database_url) as session:
            executions.cancel(session, LOCAL_ADMIN, waiting)
        ended = wait(settings, waiting, FINISHED)
        assert ended.status == "cancelled" and ended.finished_at is not None
        with session_scope(settings.resolved_database_url) as session:
            executions.cancel(session, LOCAL_ADMIN, busy)
        wait(settings, busy, FINISHED)
        never = wait(settings, waiting, FINISHED)
        assert (never.status, never.started_at, never.jobs) == ("cancelled", None, [])
    finally:
        runner.shutdown()
