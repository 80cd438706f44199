"""``/api/v1/projects``: the projects this server holds and their collections."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from pydantic import BaseModel

from biovista.api.deps import CurrentUser, SessionDep
from biovista.db.models import Project
from biovista.services.projects import get_project, list_projects

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
    collections: list[CollectionPublic]


@router.get("/projects", response_model=list[ProjectPublic])
def read_projects(principal: CurrentUser, session: SessionDep) -> list[ProjectPublic]:
    """Every project, with its collections' sizes."""
    return [_public(project) for project in list_projects(session)]


@router.get("/projects/{name}", response_model=ProjectPublic)
def read_project(name: str, principal: CurrentUser, session: SessionDep) -> ProjectPublic:
    return _public(get_project(session, name))


def _public(project: Project) -> ProjectPublic:
    return ProjectPublic(
        id=project.id,
        name=project.name,
        description=project.description,
        collections=[
            CollectionPublic(
                name=c.name, description=c.description, rows=c.row_count, files=len(c.files)
            )
            for c in project.collections
        ],
    )
