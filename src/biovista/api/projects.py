"""``/api/v1/projects``: projects, their collections and rows, each behind the policy."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from biovista.api.deps import CurrentUser, SessionDep, SettingsDep
from biovista.api.pagination import Cursor, Limit, decode_cursor, finish_page
from biovista.auth.policy import Action, authorize_project, project_role, visible_projects
from biovista.db.models import Project
from biovista.errors import InvalidInputError
from biovista.models.yaml_safe import MAX_DOCUMENT_BYTES
from biovista.services.projects.admin import create_project, delete_project, update_project
from biovista.services.projects.catalog import get_collection, summarize_collections
from biovista.services.projects.rows import read_rows

router = APIRouter(tags=["projects"])


class CollectionPublic(BaseModel):
    name: str
    description: str
    rows: int
    files: int


class ProjectPublic(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    role: str | None
    collections: list[CollectionPublic]


class CollectionDetail(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    description: str
    format: str | None
    rows: int = Field(validation_alias="row_count")
    files: int = Field(validation_alias="file_count")
    version: int | None = Field(validation_alias="delta_version")
    columns: list[dict[str, str]]
    runs: list[str]


class RowPagePublic(BaseModel):
    rows: list[dict[str, Any]]
    matching: int
    total: int
    next_offset: int | None


def _public(project: Project, role: str | None) -> ProjectPublic:
    return ProjectPublic(
        id=project.id,
        name=project.name,
        description=project.description,
        role=role,
        collections=[
            CollectionPublic(
                name=c.name, description=c.description, rows=c.row_count, files=len(c.files)
            )
            for c in project.collections
        ],
    )


@router.get("/projects", response_model=list[ProjectPublic])
def read_projects(
    principal: CurrentUser,
    session: SessionDep,
    request: Request,
    response: Response,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> list[ProjectPublic]:
    """The projects the caller can see, by name, with their role and collections' sizes."""
    key = decode_cursor(cursor)
    found = visible_projects(session, principal, after=key[0] if key else None, limit=limit + 1)
    page = finish_page(found, limit, lambda p: [p.name], request, response)
    return [_public(p, project_role(session, principal, p.id)) for p in page]


YAML_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/yaml": {"schema": {"type": "string"}},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


@router.post("/projects", response_model=ProjectPublic, status_code=201, openapi_extra=YAML_BODY)
async def create(
    request: Request, principal: CurrentUser, session: SessionDep, settings: SettingsDep
) -> ProjectPublic:
    """Register a project from its project file, sent as YAML or as a JSON object.
    Admins only; the creator becomes its owner."""
    text = await _body_text(request)

    def created() -> ProjectPublic:  # parsed on a worker thread, after the admin check
        return _public(create_project(session, settings, principal, text), "owner")

    return await run_in_threadpool(created)


async def _body_text(request: Request) -> str:
    """The project file sent as the body (YAML, or the same document as JSON)."""
    body = await request.body()
    if len(body) > MAX_DOCUMENT_BYTES:
        raise InvalidInputError(f"a project file is at most {MAX_DOCUMENT_BYTES:,} bytes")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidInputError("the project file is not UTF-8 text") from None


@router.put("/projects/{name}", response_model=ProjectPublic, openapi_extra=YAML_BODY)
async def update(
    name: str,
    request: Request,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> ProjectPublic:
    """Replace the project file (editors; a server admin when it reads from new places).
    The next ingest applies it to the data."""
    text = await _body_text(request)

    def updated() -> ProjectPublic:  # parsed on a worker thread, after the editor check
        project = update_project(session, settings, principal, name, text)
        return _public(project, project_role(session, principal, project.id))

    return await run_in_threadpool(updated)


@router.get("/projects/{name}", response_model=ProjectPublic)
def read_project(name: str, principal: CurrentUser, session: SessionDep) -> ProjectPublic:
    project = authorize_project(session, principal, name, Action.VIEW)
    return _public(project, project_role(session, principal, project.id))


@router.delete("/projects/{name}", status_code=204)
def remove_project(
    name: str, principal: CurrentUser, session: SessionDep, settings: SettingsDep
) -> Response:
    """Delete the project, its metadata and its tables (owners)."""
    delete_project(session, settings, principal, name)
    return Response(status_code=204)


@router.get("/projects/{name}/collections", response_model=list[CollectionDetail])
def read_collections(
    name: str, principal: CurrentUser, session: SessionDep
) -> list[CollectionDetail]:
    project = authorize_project(session, principal, name, Action.VIEW)
    return [CollectionDetail.model_validate(s) for s in summarize_collections(project)]


@router.get("/projects/{name}/collections/{collection}/rows", response_model=RowPagePublic)
def read_collection_rows(
    name: str,
    collection: str,
    principal: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    where: Annotated[
        str | None,
        Query(
            max_length=2000,
            description="A condition in the filter language (not SQL), "
            "e.g. body_mass_g > 4000 AND species = 'gentoo'",
        ),
    ] = None,
    sort: Annotated[
        list[str] | None, Query(max_length=200, description="Column, or -column for descending")
    ] = None,
) -> RowPagePublic:
    """A page of rows, filtered by a ``where`` condition and sorted (table order otherwise)."""
    project = authorize_project(session, principal, name, Action.VIEW)
    get_collection(session, project, collection)
    page = read_rows(settings, name, collection, limit=limit, where=where, offset=offset, sort=sort)
    following = offset + page.rows.height
    return RowPagePublic(
        rows=page.rows.to_dicts(),
        matching=page.matching,
        total=page.total,
        next_offset=following if following < page.matching else None,
    )
