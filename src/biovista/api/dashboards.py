"""Dashboards: CRUD in a project, publishing, share links, and read-only public access."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from biovista.api.deps import CurrentUser, SessionDep
from biovista.api.headers import attachment
from biovista.api.pagination import Cursor, Limit, page_of
from biovista.db.models import Dashboard
from biovista.services.dashboards import documents as dashboards

router = APIRouter(tags=["dashboards"])
public_router = APIRouter(tags=["dashboards"])


class DashboardWrite(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    spec: dict[str, Any] = Field(default_factory=dict, description="Layout and components")
    revision: int | None = Field(
        default=None, ge=1, description="On update: the revision this edit started from"
    )


class DashboardPublic(BaseModel):
    id: uuid.UUID
    title: str
    spec: dict[str, Any]
    public: bool
    shared_by_link: bool
    revision: int
    updated_at: datetime


class Publication(BaseModel):
    public: bool


class ShareLink(BaseModel):
    path: str = Field(description="Read-only, no login; shown once")


def _public(dashboard: Dashboard) -> DashboardPublic:
    return DashboardPublic(
        id=dashboard.id,
        title=dashboard.title,
        spec=dashboard.spec,
        public=dashboard.is_public,
        shared_by_link=dashboard.link_token_hash is not None,
        revision=dashboard.revision,
        updated_at=dashboard.updated_at,
    )


@router.get("/projects/{name}/dashboards", response_model=list[DashboardPublic])
def read_dashboards(
    name: str,
    principal: CurrentUser,
    session: SessionDep,
    request: Request,
    response: Response,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> list[DashboardPublic]:
    """The project's dashboards, by title."""
    found = dashboards.list_dashboards(session, principal, name)
    page = page_of(found, lambda d: [d.title, d.id], limit, cursor, request, response)
    return [_public(d) for d in page]


@router.post("/projects/{name}/dashboards", response_model=DashboardPublic, status_code=201)
def create(
    name: str, body: DashboardWrite, principal: CurrentUser, session: SessionDep
) -> DashboardPublic:
    return _public(dashboards.create_dashboard(session, principal, name, body.title, body.spec))


@router.get("/dashboards/{dashboard_id}", response_model=DashboardPublic)
def read(dashboard_id: uuid.UUID, principal: CurrentUser, session: SessionDep) -> DashboardPublic:
    return _public(dashboards.get_dashboard(session, principal, dashboard_id))


@router.put("/dashboards/{dashboard_id}", response_model=DashboardPublic)
def update(
    dashboard_id: uuid.UUID, body: DashboardWrite, principal: CurrentUser, session: SessionDep
) -> DashboardPublic:
    dashboard = dashboards.update_dashboard(
        session, principal, dashboard_id, body.title, body.spec, body.revision
    )
    return _public(dashboard)


YAML_FILE = {
    "requestBody": {
        "required": True,
        "content": {"application/yaml": {"schema": {"type": "string"}}},
    }
}


@router.post(
    "/projects/{name}/dashboards/import",
    response_model=DashboardPublic,
    status_code=201,
    openapi_extra=YAML_FILE,
)
async def import_yaml(
    name: str, request: Request, principal: CurrentUser, session: SessionDep
) -> DashboardPublic:
    """Create a dashboard from a dashboard YAML file (editors); every problem is listed.

    The caller's right is checked before the file is parsed, and parsing runs on a worker
    thread, so a large file never holds up other requests."""
    text = (await request.body()).decode("utf-8", errors="replace")
    source = request.headers.get("x-filename", "dashboard.yaml")

    def imported() -> DashboardPublic:
        return _public(dashboards.import_dashboard(session, principal, name, text, source))

    return await run_in_threadpool(imported)


@router.get(
    "/dashboards/{dashboard_id}/export",
    response_class=Response,
    responses={200: {"content": {"application/yaml": {"schema": {"type": "string"}}}}},
)
def export_yaml(dashboard_id: uuid.UUID, principal: CurrentUser, session: SessionDep) -> Response:
    """The dashboard as a YAML file, ready to import elsewhere."""
    dashboard = dashboards.get_dashboard(session, principal, dashboard_id)
    return Response(
        dashboards.export_dashboard(dashboard),
        media_type="application/yaml",
        headers={"Content-Disposition": attachment(f"{dashboard.title or 'dashboard'}.yaml")},
    )


@router.delete("/dashboards/{dashboard_id}", status_code=204)
def delete(dashboard_id: uuid.UUID, principal: CurrentUser, session: SessionDep) -> Response:
    dashboards.delete_dashboard(session, principal, dashboard_id)
    return Response(status_code=204)


@router.put("/dashboards/{dashboard_id}/publication", response_model=DashboardPublic)
def publish(
    dashboard_id: uuid.UUID, body: Publication, principal: CurrentUser, session: SessionDep
) -> DashboardPublic:
    """Make the dashboard readable by anyone without login, or not (owners)."""
    return _public(dashboards.set_public(session, principal, dashboard_id, body.public))


@router.post("/dashboards/{dashboard_id}/link", response_model=ShareLink, status_code=201)
def share_link(dashboard_id: uuid.UUID, principal: CurrentUser, session: SessionDep) -> ShareLink:
    """A new unguessable read-only link; the previous one stops working (owners)."""
    token = dashboards.make_link(session, principal, dashboard_id)
    return ShareLink(path=f"/api/v1/shared/dashboards/{token}")


@router.delete("/dashboards/{dashboard_id}/link", status_code=204)
def unshare_link(dashboard_id: uuid.UUID, principal: CurrentUser, session: SessionDep) -> Response:
    dashboards.revoke_link(session, principal, dashboard_id)
    return Response(status_code=204)


@public_router.get("/public/dashboards/{dashboard_id}", response_model=DashboardPublic)
def read_public(dashboard_id: uuid.UUID, session: SessionDep) -> DashboardPublic:
    """A public dashboard, without login."""
    return _public(dashboards.public_dashboard(session, dashboard_id))


@public_router.get("/shared/dashboards/{token}", response_model=DashboardPublic)
def read_shared(token: str, session: SessionDep) -> DashboardPublic:
    """The dashboard a share link leads to, without login."""
    return _public(dashboards.shared_dashboard(session, token))
