"""``/api/v1/workflows``: register workflows and launch executions of them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from biovista.api.deps import CurrentUser, SessionDep, SettingsDep
from biovista.api.executions import ExecutionPublic, execution_public
from biovista.db.models import Project, Workflow
from biovista.pipelines.manifest import Scalar
from biovista.services.workflows import executions
from biovista.services.workflows import registry as workflows

router = APIRouter(tags=["pipelines"])


class RegisterRequest(BaseModel):
    source: str = Field(description="A folder on the server, or a git URL it can reach")
    revision: str | None = Field(None, description="A git branch, tag or commit")


class WorkflowPublic(BaseModel):
    id: uuid.UUID
    name: str
    engine: str
    description: str
    source: str
    revision: str | None
    project: str | None
    parameters: list[dict[str, Any]]
    created_at: datetime


class LaunchRequest(BaseModel):
    params: dict[str, Scalar] = Field(default_factory=dict)
    samples: list[str] = Field(description="Names of the project's samples to run on")


def _public(workflow: Workflow, session: SessionDep) -> WorkflowPublic:
    project = session.get(Project, workflow.project_id) if workflow.project_id else None
    return WorkflowPublic(
        id=workflow.id,
        name=workflow.name,
        engine=workflow.engine,
        description=workflow.description,
        source=workflow.source,
        revision=workflow.revision,
        project=project.name if project else None,
        parameters=workflow.parameters,
        created_at=workflow.created_at,
    )


@router.post("/workflows", response_model=WorkflowPublic, status_code=201)
def register(
    body: RegisterRequest, principal: CurrentUser, session: SessionDep, settings: SettingsDep
) -> WorkflowPublic:
    """Register (or update) a workflow from its folder or git repository (admins: a
    workflow is code the server runs). Its project file becomes the project its outputs
    are ingested into."""
    workflow = workflows.register_workflow(session, settings, principal, body.source, body.revision)
    return _public(workflow, session)


@router.get("/workflows", response_model=list[WorkflowPublic])
def read_workflows(principal: CurrentUser, session: SessionDep) -> list[WorkflowPublic]:
    return [_public(w, session) for w in workflows.list_workflows(session, principal)]


@router.get("/workflows/{name}", response_model=WorkflowPublic)
def read_workflow(name: str, principal: CurrentUser, session: SessionDep) -> WorkflowPublic:
    """The workflow, with its parameters (the form to launch it)."""
    return _public(workflows.get_workflow(session, principal, name), session)


@router.post("/workflows/{name}/executions", response_model=ExecutionPublic, status_code=202)
def launch(
    name: str,
    body: LaunchRequest,
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> ExecutionPublic:
    """Run the workflow on some of its project's samples (editors of the project)."""
    execution = executions.launch(
        session, settings, principal, request.app.state.tasks, name, body.params, body.samples
    )
    return execution_public(execution)
