"""Downloads: one file by path, or a zip of samples or of an execution's outputs.

``POST /projects/{name}/downloads`` answers 202 with a task id at once; the zip is built
by a background task (follow it at ``/api/v1/tasks/{id}``) and fetched from
``GET /downloads/{task_id}``, which answers 409 while it is still being built.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from biovista.api.deps import CurrentUser, SessionDep, SettingsDep
from biovista.api.headers import attachment
from biovista.models.statuses import TaskStatus
from biovista.services.samples import zips as downloads

router = APIRouter(tags=["downloads"])

FILE_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"description": "The file's bytes", "content": {"application/octet-stream": {}}}
}

ZIP_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"description": "The zip", "content": {"application/zip": {}}}
}


def _exactly_one(schema: dict[str, Any]) -> None:
    """Say in the schema what the service checks: one of the two keys, and not null."""
    for field in schema["properties"].values():
        field["anyOf"] = [a for a in field.get("anyOf", []) if a.get("type") != "null"]
        field.pop("default", None)
    schema["minProperties"] = schema["maxProperties"] = 1


class DownloadRequest(BaseModel):
    """Exactly one of ``samples`` and ``execution_id``."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_exactly_one)

    samples: list[str] | Literal["all"] | None = Field(
        None, description='Sample names, or "all" for every sample of the project'
    )
    execution_id: uuid.UUID | None = Field(None, description="An execution of the project")


class DownloadStarted(BaseModel):
    task_id: uuid.UUID
    status: str
    task: str = Field(description="Where to follow the task's progress")
    download: str = Field(description="Where to fetch the zip when the task has finished")


@router.get(
    "/projects/{name}/uploads/{path:path}", response_class=FileResponse, responses=FILE_RESPONSE
)
def download_upload(
    name: str, path: str, principal: CurrentUser, session: SessionDep, settings: SettingsDep
) -> FileResponse:
    """One file of the project's uploads folder (viewers)."""
    found = downloads.uploaded_file(session, settings, principal, name, path)
    return FileResponse(found, media_type="application/octet-stream", headers=_named(found.name))


@router.get(
    "/projects/{name}/execution-outputs/{execution_id}/{path:path}",
    response_class=FileResponse,
    responses=FILE_RESPONSE,
)
def download_output(
    name: str,
    execution_id: uuid.UUID,
    path: str,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> FileResponse:
    """One file an execution of the project left in its outputs folder (viewers)."""
    found = downloads.output_file(session, settings, principal, name, execution_id, path)
    return FileResponse(found, media_type="application/octet-stream", headers=_named(found.name))


@router.post("/projects/{name}/downloads", response_model=DownloadStarted, status_code=202)
def start_download(
    name: str,
    body: DownloadRequest,
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> DownloadStarted:
    """Start building a zip of samples' files or of an execution's outputs (viewers)."""
    task_id = downloads.start_zip(
        session, settings, principal, name, request.app.state.tasks, body.samples, body.execution_id
    )
    return DownloadStarted(
        task_id=task_id,
        status=TaskStatus.QUEUED,
        task=f"/api/v1/tasks/{task_id}",
        download=f"/api/v1/downloads/{task_id}",
    )


@router.get("/downloads/{task_id}", response_class=FileResponse, responses=ZIP_RESPONSE)
def fetch_download(
    task_id: uuid.UUID, principal: CurrentUser, session: SessionDep, settings: SettingsDep
) -> FileResponse:
    """The finished zip (viewers of its project); 409 while it is being built or if it failed."""
    ready = downloads.zip_download(session, settings, principal, task_id)
    return FileResponse(ready.path, media_type="application/zip", headers=_named(ready.filename))


def _named(filename: str) -> dict[str, str]:
    return {"Content-Disposition": attachment(filename)}
