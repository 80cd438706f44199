"""Executions of workflows: launch, follow, cancel, run again, and trace rows back.

Launching records the execution and queues a task (``execution_run`` does the work); the
caller gets its id at once and follows it through the execution's row, its jobs and its
log, read by byte offset while the engine writes it.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biovista.auth.policy import Action, Principal, authorize_project, project_role
from biovista.config import Settings
from biovista.db.models import Execution, ExecutionJob, OutputFile, Project, Task, utcnow
from biovista.errors import ConflictError, InvalidInputError, NotFoundError
from biovista.models.statuses import EXECUTION_ACTIVE, EXECUTION_FINISHED, ExecutionStatus
from biovista.services.workflows.registry import get_workflow, manifest_of
from biovista.tasks import TaskRunner, records

MAX_LOG_CHUNK = 1 << 20


@dataclass(frozen=True)
class LogSlice:
    text: str
    offset: int
    next_offset: int
    size: int
    complete: bool
    """The execution has finished: nothing will be added to the log."""


def launch(
    session: Session,
    settings: Settings,
    principal: Principal,
    runner: TaskRunner,
    workflow_name: str,
    params: Mapping[str, Any],
    samples: list[str],
) -> Execution:
    """Check the parameters and samples, record the execution and queue it (editors of
    the workflow's project)."""
    workflow = get_workflow(session, principal, workflow_name)
    if workflow.project_id is None:
        raise InvalidInputError(f"workflow {workflow_name!r} is bound to no project")
    project = session.get_one(Project, workflow.project_id)
    authorize_project(session, principal, project.name, Action.EDIT)
    coerced = manifest_of(workflow).coerce(params)
    sheet = samples_for(session, settings, principal, project, samples)
    execution = Execution(
        workflow_id=workflow.id,
        project_id=project.id,
        params=coerced,
        samples=sheet,
        created_by=str(principal.user_id),
    )
    session.add(execution)
    session.flush()
    execution.workdir = str(settings.data_dir / "workdirs" / str(execution.id))
    return _queue(session, runner, execution, resume=False)


def _queue(session: Session, runner: TaskRunner, execution: Execution, resume: bool) -> Execution:
    """Record the task with the execution, commit both, then hand the task out: the
    worker must find them, and nothing may change them here afterwards."""
    task = records.create_task(
        session,
        "execution",
        {"execution_id": str(execution.id), "resume": resume},
        project_id=execution.project_id,
        created_by=execution.created_by,
    )
    execution.task_id = task.id
    session.flush()
    session.refresh(execution, ["workflow"])  # callers read it after the commit below
    session.commit()
    runner.submit(task.id)
    return execution


def samples_for(
    session: Session, settings: Settings, principal: Principal, project: Project, names: list[str]
) -> list[dict[str, Any]]:
    """The sample sheet rows of the named samples of the project: name, type, attributes
    and the server paths of their files."""
    from biovista.services.samples.records import find_samples, sample_sheet

    if not names:
        raise InvalidInputError("choose at least one sample to run the workflow on")
    if len(set(names)) != len(names):
        raise InvalidInputError("a sample is named twice in the sample list")
    return sample_sheet(settings, find_samples(session, principal, project.name, names))


def samples_from_sheet(text: str, source: str = "sample sheet") -> list[str]:
    """Sample names from a CSV with a ``sample`` column (the CLI's ``--samples``)."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or "sample" not in reader.fieldnames:
        raise InvalidInputError(f"{source}, line 1: there is no 'sample' column")
    names = []
    for line, row in enumerate(reader, start=2):
        name = (row.get("sample") or "").strip()
        if not name:
            raise InvalidInputError(f"{source}, line {line}: the sample name is empty")
        names.append(name)
    return names


def list_executions(
    session: Session, principal: Principal, project_name: str, limit: int = 50
) -> list[Execution]:
    project = authorize_project(session, principal, project_name, Action.VIEW)
    query = (
        select(Execution)
        .where(Execution.project_id == project.id)
        .order_by(Execution.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def get_execution(
    session: Session, principal: Principal, execution_id: uuid.UUID, action: Action = Action.VIEW
) -> Execution:
    execution = session.get(Execution, execution_id)
    role = (
        project_role(session, principal, execution.project_id)
        if execution is not None and execution.project_id is not None
        else None
    )
    if execution is None or role is None:
        raise NotFoundError(f"no execution {execution_id}")
    if action is not Action.VIEW:
        project = session.get_one(Project, execution.project_id)
        authorize_project(session, principal, project.name, action)
    return execution


def read_log(
    session: Session, principal: Principal, execution_id: uuid.UUID, offset: int, limit: int
) -> LogSlice:
    """The log from byte ``offset`` (at most ``limit`` bytes, cut at a line end when it
    can be): a client follows the log by asking again from ``next_offset``."""
    execution = get_execution(session, principal, execution_id)
    complete = execution.status not in EXECUTION_ACTIVE
    path = Path(execution.log_path) if execution.log_path else None
    if path is None or not path.is_file():
        return LogSlice("", offset, offset, 0, complete)
    size = path.stat().st_size
    with path.open("rb") as handle:
        handle.seek(min(offset, size))
        data = handle.read(min(limit, MAX_LOG_CHUNK))
    if len(data) == min(limit, MAX_LOG_CHUNK) and b"\n" in data:
        data = data[: data.rindex(b"\n") + 1]  # never split a line, or a UTF-8 character
    text = data.decode("utf-8", errors="replace")
    start = min(offset, size)
    return LogSlice(text, start, start + len(data), size, complete and start + len(data) >= size)


def cancel(session: Session, principal: Principal, execution_id: uuid.UUID) -> Execution:
    """Ask the execution to stop; the engine is stopped and its running jobs marked."""
    execution = get_execution(session, principal, execution_id, Action.EDIT)
    if execution.status in EXECUTION_FINISHED:
        raise ConflictError(f"execution {execution_id} has already {execution.status}")
    if execution.task_id is not None:
        records.request_cancel(session, session.get_one(Task, execution.task_id))
    if execution.status == ExecutionStatus.QUEUED:  # its task will never start: it ends here
        execution.status, execution.finished_at = ExecutionStatus.CANCELLED, utcnow()
    return execution


def rerun(
    session: Session,
    settings: Settings,
    principal: Principal,
    runner: TaskRunner,
    execution_id: uuid.UUID,
    resume: bool,
    changes: Mapping[str, Any] | None = None,
) -> Execution:
    """Run an execution again with the same samples and parameters (but for ``changes``).
    ``resume`` continues a failed or cancelled one in its own working folder, keeping the
    jobs it finished: after fixing what made a job fail, only the rest runs."""
    old = get_execution(session, principal, execution_id, Action.EDIT)
    if old.status in EXECUTION_ACTIVE:
        raise ConflictError(f"execution {execution_id} is still {old.status}")
    if resume and old.status == ExecutionStatus.SUCCEEDED:
        raise ConflictError("a succeeded execution has nothing to resume; run it again instead")
    again = Execution(
        workflow_id=old.workflow_id,
        project_id=old.project_id,
        params=manifest_of(old.workflow).coerce({**old.params, **(changes or {})}),
        samples=list(old.samples),
        resumed_from_id=old.id if resume else None,
        created_by=str(principal.user_id),
    )
    session.add(again)
    session.flush()
    again.workdir = old.workdir if resume else str(settings.data_dir / "workdirs" / str(again.id))
    return _queue(session, runner, again, resume=resume)


@dataclass(frozen=True)
class Lineage:
    path: str
    execution_id: uuid.UUID
    execution_started_at: datetime | None
    workflow: str
    job: str | None
    samples: list[str]


def lineage(session: Session, principal: Principal, project_name: str, path: str) -> Lineage:
    """What made an ingested file (a row's ``_file``): the execution, the job, the samples."""
    project = authorize_project(session, principal, project_name, Action.VIEW)
    found = session.scalar(
        select(OutputFile).where(OutputFile.project_id == project.id, OutputFile.path == path)
    )
    if found is None:
        raise NotFoundError(f"no execution of project {project_name!r} made {path!r}")
    execution = session.get_one(Execution, found.execution_id)
    job = session.get(ExecutionJob, found.job_id) if found.job_id else None
    return Lineage(
        path=path,
        execution_id=execution.id,
        execution_started_at=execution.started_at,
        workflow=execution.workflow.name,
        job=job.name if job else None,
        samples=list(found.samples),
    )
