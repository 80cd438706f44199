"""``/api/v1/executions``: follow an execution (jobs, log by byte offset), cancel it, run
it again; and ``/projects/{name}/lineage`` to trace an ingested file back to it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from biovista.api.deps import CurrentUser, SessionDep, SettingsDep
from biovista.db.models import Execution
from biovista.pipelines.manifest import Scalar
from biovista.services.workflows import executions

router = APIRouter(tags=["pipelines"])


class JobPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    engine_id: str
    name: str
    status: str
    started_at: datetime | None
    finished_at: datetime | None
    exit_code: int | None
    samples: list[str]
    inputs: list[str]
    outputs: list[str]
    stdout: str
    stderr: str


class ExecutionPublic(BaseModel):
    id: uuid.UUID
    workflow: str
    status: str
    params: dict[str, Any]
    samples: list[str]
    jobs_done: int
    jobs_total: int | None
    exit_code: int | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    task_id: uuid.UUID | None
    ingestion_id: uuid.UUID | None
    resumed_from_id: uuid.UUID | None


class ExecutionDetail(ExecutionPublic):
    jobs: list[JobPublic]


class LogPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    text: str
    offset: int
    next_offset: int = Field(description="Ask again from here for what follows")
    size: int
    complete: bool = Field(description="The execution has ended: nothing more will come")


class RerunRequest(BaseModel):
    resume: bool = Field(
        False, description="Continue in the same working folder, keeping finished jobs"
    )
    params: dict[str, Scalar] = Field(default_factory=dict, description="Parameters to change")


class LineagePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    path: str
    execution_id: uuid.UUID
    execution_started_at: datetime | None
    workflow: str
    job: str | None
    samples: list[str]


def execution_public(execution: Execution) -> ExecutionPublic:
    return ExecutionPublic(
        id=execution.id,
        workflow=execution.workflow.name,
        status=execution.status,
        params=execution.params,
        samples=[s["name"] for s in execution.samples],
        jobs_done=execution.jobs_done,
        jobs_total=execution.jobs_total,
        exit_code=execution.exit_code,
        error=execution.error,
        created_at=execution.created_at,
        started_at=execution.started_at,
        finished_at=execution.finished_at,
        task_id=execution.task_id,
        ingestion_id=execution.ingestion_id,
        resumed_from_id=execution.resumed_from_id,
    )


@router.get("/projects/{name}/executions", response_model=list[ExecutionPublic])
def read_executions(
    name: str,
    principal: CurrentUser,
    session: SessionDep,
    limit: int = Query(50, ge=1, le=500),
) -> list[ExecutionPublic]:
    """The project's executions, newest first."""
    found = executions.list_executions(session, principal, name, limit)
    return [execution_public(e) for e in found]


@router.get("/executions/{execution_id}", response_model=ExecutionDetail)
def read_execution(
    execution_id: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> ExecutionDetail:
    """The execution and each of its jobs, with their output."""
    execution = executions.get_execution(session, principal, execution_id)
    return ExecutionDetail(
        **execution_public(execution).model_dump(),
        jobs=[JobPublic.model_validate(j) for j in execution.jobs],
    )


@router.get("/executions/{execution_id}/log", response_model=LogPublic)
def read_log(
    execution_id: uuid.UUID,
    principal: CurrentUser,
    session: SessionDep,
    offset: int = Query(0, ge=0, description="The byte to start from"),
    limit: int = Query(65536, ge=1, le=executions.MAX_LOG_CHUNK),
) -> LogPublic:
    """The engine's log from a byte offset, whole lines only."""
    part = executions.read_log(session, principal, execution_id, offset, limit)
    return LogPublic.model_validate(part)


@router.post("/executions/{execution_id}/cancel", response_model=ExecutionPublic, status_code=202)
def cancel(execution_id: uuid.UUID, principal: CurrentUser, session: SessionDep) -> ExecutionPublic:
    """Stop the execution: its engine is stopped and running jobs are marked cancelled."""
    return execution_public(executions.cancel(session, principal, execution_id))


@router.post("/executions/{execution_id}/rerun", response_model=ExecutionPublic, status_code=202)
def rerun(
    execution_id: uuid.UUID,
    body: RerunRequest,
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> ExecutionPublic:
    """Run it again as a new execution; ``resume`` keeps what a failed run finished."""
    again = executions.rerun(
        session,
        settings,
        principal,
        request.app.state.tasks,
        execution_id,
        body.resume,
        body.params,
    )
    return execution_public(again)


@router.get("/projects/{name}/lineage", response_model=LineagePublic)
def read_lineage(
    name: str,
    principal: CurrentUser,
    session: SessionDep,
    file: str = Query(description="An ingested row's _file"),
) -> LineagePublic:
    """Which execution, job and samples made an ingested file."""
    return LineagePublic.model_validate(executions.lineage(session, principal, name, file))
