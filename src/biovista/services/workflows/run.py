"""The task that runs an execution: start the engine, record what it reports, and when
it succeeds, hand the outputs to the project's ingest with their lineage.

The engine runs as a child process; this task polls it twice a second, writes job
updates and progress to the database, and stops it when the execution is cancelled. Its
outputs move into the project's ``@executions`` folder under the execution's id, so each
execution is one run of the project, and its files never mix with another's.
"""

from __future__ import annotations

import csv
import shutil
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biovista.config import Settings
from biovista.db.models import Execution, ExecutionJob, OutputFile, Project, utcnow
from biovista.db.session import session_scope
from biovista.errors import BiovistaError
from biovista.models.statuses import (
    EXECUTION_ACTIVE,
    JOB_ACTIVE,
    JOB_DONE,
    ExecutionStatus,
    IngestionStatus,
    JobStatus,
)
from biovista.pipelines.engine import engine_for
from biovista.pipelines.events import Event, JobUpdate, Progress
from biovista.services.workflows.registry import manifest_of
from biovista.storage.sources import execution_outputs_folder
from biovista.tasks import TaskContext

POLL_SECONDS = 0.5


def run_execution(context: TaskContext) -> dict[str, Any]:
    execution_id = uuid.UUID(context.params["execution_id"])
    try:
        return _run(context, execution_id, bool(context.params.get("resume")))
    except Exception as exc:
        message = str(exc) if isinstance(exc, BiovistaError) else f"{type(exc).__name__}: {exc}"
        _finish(context.settings, execution_id, ExecutionStatus.FAILED, message, only_active=True)
        raise


def _run(context: TaskContext, execution_id: uuid.UUID, resume: bool) -> dict[str, Any]:
    settings = context.settings
    with session_scope(settings.resolved_database_url) as session:
        execution = session.get_one(Execution, execution_id)
        workflow = execution.workflow
        manifest = manifest_of(workflow)
        workdir, workflow_dir = Path(execution.workdir), Path(workflow.path)
        params, samples = dict(execution.params), list(execution.samples)
        engine_name = workflow.engine
        execution.status, execution.started_at = ExecutionStatus.RUNNING, utcnow()
    workdir.mkdir(parents=True, exist_ok=True)
    sheet = workdir / manifest.samples_sheet
    write_sample_sheet(sheet, samples)
    running = engine_for(engine_name, settings).start(
        workflow_dir, manifest, workdir, params, sheet, resume
    )
    recorder = JobRecorder(context, execution_id)
    with session_scope(settings.resolved_database_url) as session:
        session.get_one(Execution, execution_id).log_path = str(running.log_path)
    cancelled = False
    while running.returncode is None:
        recorder.record(running.poll())
        if context.wait(POLL_SECONDS) and not cancelled:
            cancelled = True
            context.log("cancel requested: stopping the engine")
            running.cancel()
    recorder.record(running.poll())
    code = running.returncode
    if cancelled:
        _finish(settings, execution_id, ExecutionStatus.CANCELLED, None, code)
        return {"execution_id": str(execution_id), "status": ExecutionStatus.CANCELLED}
    if code != 0:
        failed = recorder.failed_jobs()
        reason = f"job {', '.join(failed)} failed" if failed else f"the engine exited with {code}"
        _finish(settings, execution_id, ExecutionStatus.FAILED, reason, code)
        raise BiovistaError(f"execution {execution_id}: {reason}")
    return _ingest_outputs(context, execution_id, workdir / manifest.outputs, code)


def write_sample_sheet(path: Path, samples: list[dict[str, Any]]) -> None:
    """One row per sample: ``sample``, ``path`` (its first file), ``files`` (all, ';'-joined),
    ``type`` and one column per attribute, so a workflow reads it with any CSV reader."""
    attributes = sorted({key for sample in samples for key in sample.get("attributes", {})})
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["sample", "path", "files", "type", *attributes])
        for sample in samples:
            files = list(sample.get("files", []))
            values = sample.get("attributes", {})
            writer.writerow(
                [
                    sample["name"],
                    files[0] if files else "",
                    ";".join(files),
                    sample.get("type", ""),
                    *(values.get(key, "") for key in attributes),
                ]
            )


class JobRecorder:
    """Writes an engine's events to the execution: jobs upserted by engine id (in the
    order they first appeared), progress to the execution and its task."""

    def __init__(self, context: TaskContext, execution_id: uuid.UUID) -> None:
        self.context = context
        self.execution_id = execution_id

    def record(self, events: list[Event]) -> None:
        jobs = [e for e in events if isinstance(e, JobUpdate)]
        progress = [e for e in events if isinstance(e, Progress)]
        if not jobs and not progress:
            return
        with session_scope(self.context.url) as session:
            execution = session.get_one(Execution, self.execution_id)
            existing = {
                job.engine_id: job
                for job in session.scalars(
                    select(ExecutionJob).where(ExecutionJob.execution_id == self.execution_id)
                )
            }
            for update in jobs:
                job = existing.get(update.engine_id)
                if job is None:
                    job = ExecutionJob(
                        execution_id=self.execution_id,
                        engine_id=update.engine_id,
                        seq=len(existing) + 1,
                    )
                    session.add(job)
                    existing[update.engine_id] = job
                _apply(job, update)
            if progress:
                execution.jobs_done, execution.jobs_total = progress[-1].done, progress[-1].total
        if progress:
            done, total = progress[-1].done, progress[-1].total
            self.context.progress(done, total, f"{done} of {total} jobs")

    def failed_jobs(self) -> list[str]:
        with session_scope(self.context.url) as session:
            query = select(ExecutionJob.name).where(
                ExecutionJob.execution_id == self.execution_id,
                ExecutionJob.status == JobStatus.FAILED,
            )
            return list(session.scalars(query.order_by(ExecutionJob.seq)))


def _apply(job: ExecutionJob, update: JobUpdate) -> None:
    job.name, job.status, job.exit_code = update.name, update.status, update.exit_code
    job.started_at = update.started_at or job.started_at
    job.finished_at = update.finished_at or job.finished_at
    job.inputs, job.outputs, job.samples = update.inputs, update.outputs, update.samples
    job.stdout, job.stderr = update.stdout or job.stdout, update.stderr or job.stderr


def _ingest_outputs(
    context: TaskContext, execution_id: uuid.UUID, outputs: Path, code: int | None
) -> dict[str, Any]:
    """Move the outputs into the project's run folder, record their lineage, ingest."""
    from biovista.services.ingest.task import queue_ingestion, run_ingestion

    settings = context.settings
    with session_scope(settings.resolved_database_url) as session:
        execution = session.get_one(Execution, execution_id)
        project = session.get_one(Project, execution.project_id)
        execution.status, execution.exit_code = ExecutionStatus.INGESTING, code
        target = execution_outputs_folder(settings, project.name, str(execution_id))
        if not outputs.is_dir():
            raise BiovistaError(f"the workflow left no {outputs.name!r} folder of outputs")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(outputs), str(target))
        files = _record_outputs(session, execution, target, outputs.name)
        ingestion = queue_ingestion(session, project.id, False, execution.created_by)
        execution.ingestion_id = ingestion.id
        source, ingestion_id = Path(project.source_path or ""), ingestion.id
    context.log(f"ingesting {files} output files into project {project.name!r}")
    status = run_ingestion(settings, source, False, ingestion_id)
    if status != IngestionStatus.SUCCEEDED:
        reason = f"the ingest of its outputs ended {status} (ingestion {ingestion_id})"
        _finish(settings, execution_id, ExecutionStatus.FAILED, reason, code)
        raise BiovistaError(f"execution {execution_id}: {reason}")
    _finish(settings, execution_id, ExecutionStatus.SUCCEEDED, None, code)
    return {"execution_id": str(execution_id), "ingestion_id": str(ingestion_id), "files": files}


def _record_outputs(session: Session, execution: Execution, folder: Path, outputs_name: str) -> int:
    """One ``OutputFile`` per file, tied to the job that wrote it and that job's samples.

    A resumed execution did not rerun the jobs an earlier attempt finished: their files
    are traced to the attempt that made them."""
    by_output: dict[str, ExecutionJob] = {}
    attempt: Execution | None = execution
    while attempt is not None:
        for made in attempt.jobs:
            for path in made.outputs:
                by_output.setdefault(Path(path).as_posix().removeprefix("./"), made)
        attempt = (
            session.get(Execution, attempt.resumed_from_id) if attempt.resumed_from_id else None
        )
    count = 0
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = file.relative_to(folder).as_posix()
        job = by_output.get(f"{outputs_name}/{relative}") or by_output.get(str(file))
        session.add(
            OutputFile(
                project_id=execution.project_id,
                execution_id=execution.id,
                job_id=job.id if job else None,
                path=f"{execution.id}/{relative}",
                samples=list(job.samples) if job else [],
            )
        )
        count += 1
    return count


def _finish(
    settings: Settings,
    execution_id: uuid.UUID,
    status: ExecutionStatus,
    error: str | None,
    code: int | None = None,
    only_active: bool = False,
) -> None:
    """Record how the execution ended (unless, with ``only_active``, it already has)."""
    with session_scope(settings.resolved_database_url) as session:
        execution = session.get_one(Execution, execution_id)
        if only_active and execution.status not in EXECUTION_ACTIVE:
            return
        execution.status, execution.error, execution.finished_at = status, error, utcnow()
        execution.exit_code = code if code is not None else execution.exit_code
        if status == ExecutionStatus.CANCELLED:
            for job in execution.jobs:
                if job.status in JOB_ACTIVE:
                    job.status = JobStatus.CANCELLED
        if execution.jobs_total is None:  # the engine never said how many it planned
            execution.jobs_total = len(execution.jobs)
            execution.jobs_done = sum(job.status in JOB_DONE for job in execution.jobs)
