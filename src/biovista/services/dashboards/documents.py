"""Dashboards: create, read, update, delete within a project; publish or share by link.

Editing follows the project's editor role; exposing a dashboard outside the project
(public, or a link) needs the owner role. Anyone with a public dashboard's id, or a
link, reads it without logging in; nothing else is reachable that way.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biovista.auth.passwords import token_digest
from biovista.auth.policy import Action, Principal, authorize_dashboard, authorize_project
from biovista.db.models import Dashboard, Project
from biovista.errors import ConflictError, NotFoundError
from biovista.models.dashboard import DashboardSpec, with_layout
from biovista.models.dashboard_file import (
    read_dashboard_yaml,
    validate_document,
    write_dashboard_yaml,
)
from biovista.services.dashboards.checks import check_references


def list_dashboards(session: Session, principal: Principal, project_name: str) -> list[Dashboard]:
    project = authorize_project(session, principal, project_name, Action.VIEW)
    return list(
        session.scalars(
            select(Dashboard).where(Dashboard.project_id == project.id).order_by(Dashboard.title)
        )
    )


def create_dashboard(
    session: Session, principal: Principal, project_name: str, title: str, spec: dict[str, Any]
) -> Dashboard:
    project = authorize_project(session, principal, project_name, Action.EDIT)
    checked = _checked(spec, project)
    dashboard = Dashboard(
        project_id=project.id, title=title, spec=checked, created_by=str(principal.user_id)
    )
    session.add(dashboard)
    session.flush()
    return dashboard


def get_dashboard(session: Session, principal: Principal, dashboard_id: uuid.UUID) -> Dashboard:
    return authorize_dashboard(session, principal, dashboard_id, Action.VIEW)


def update_dashboard(
    session: Session,
    principal: Principal,
    dashboard_id: uuid.UUID,
    title: str,
    spec: dict[str, Any],
    revision: int | None,
) -> Dashboard:
    """Replace title and spec; with ``revision``, refuse to overwrite a newer version."""
    dashboard = authorize_dashboard(session, principal, dashboard_id, Action.EDIT)
    if revision is not None and revision != dashboard.revision:
        raise ConflictError(
            f"the dashboard is at revision {dashboard.revision}, not {revision}: reload it"
        )
    checked = _checked(spec, dashboard.project)
    dashboard.title, dashboard.spec = title, checked
    dashboard.revision += 1
    session.flush()
    return dashboard


def delete_dashboard(session: Session, principal: Principal, dashboard_id: uuid.UUID) -> None:
    session.delete(authorize_dashboard(session, principal, dashboard_id, Action.EDIT))


def set_public(
    session: Session, principal: Principal, dashboard_id: uuid.UUID, public: bool
) -> Dashboard:
    dashboard = authorize_dashboard(session, principal, dashboard_id, Action.MANAGE)
    dashboard.is_public = public
    return dashboard


def make_link(session: Session, principal: Principal, dashboard_id: uuid.UUID) -> str:
    """A new share-link token (shown once; the previous link stops working)."""
    dashboard = authorize_dashboard(session, principal, dashboard_id, Action.MANAGE)
    token = secrets.token_urlsafe(24)
    dashboard.link_token_hash = token_digest(token)
    return token


def revoke_link(session: Session, principal: Principal, dashboard_id: uuid.UUID) -> None:
    authorize_dashboard(session, principal, dashboard_id, Action.MANAGE).link_token_hash = None


def readable_dashboard(
    session: Session, principal: Principal | None, dashboard_id: uuid.UUID
) -> Dashboard:
    """A dashboard the caller may read: through a role on its project, or because it is
    public (also to someone signed in without a role there); else NotFoundError."""
    if principal is not None:
        try:
            return authorize_dashboard(session, principal, dashboard_id, Action.VIEW)
        except NotFoundError:
            pass
    return public_dashboard(session, dashboard_id)


def public_dashboard(session: Session, dashboard_id: uuid.UUID) -> Dashboard:
    dashboard = session.get(Dashboard, dashboard_id)
    if dashboard is None or not dashboard.is_public:
        raise NotFoundError(f"no public dashboard {dashboard_id}")
    return dashboard


def shared_dashboard(session: Session, token: str) -> Dashboard:
    dashboard = session.scalar(
        select(Dashboard).where(Dashboard.link_token_hash == token_digest(token))
    )
    if dashboard is None:
        raise NotFoundError("this link does not lead to a dashboard (any more)")
    return dashboard


def import_dashboard(
    session: Session, principal: Principal, project_name: str, text: str, source: str
) -> Dashboard:
    """Create a dashboard from a YAML file (the layout is generated where absent).

    Editors only, checked before the file is parsed: a caller without the right learns
    nothing and costs nothing, whatever the file holds."""
    authorize_project(session, principal, project_name, Action.EDIT)
    spec = read_dashboard_yaml(text, source)
    if spec.project not in (None, project_name):
        spec = spec.model_copy(update={"project": project_name})
    title = spec.title or source.rsplit("/", 1)[-1].removesuffix(".yaml").removesuffix(".yml")
    return create_dashboard(session, principal, project_name, title, spec.model_dump(mode="json"))


def export_dashboard(dashboard: Dashboard) -> str:
    """The dashboard as a YAML file that :func:`import_dashboard` reads back unchanged."""
    spec = DashboardSpec.model_validate(dashboard.spec)
    named = spec.model_copy(update={"title": dashboard.title, "project": dashboard.project.name})
    return write_dashboard_yaml(named)


def dashboard_spec(dashboard: Dashboard) -> DashboardSpec:
    return DashboardSpec.model_validate(dashboard.spec)


def _checked(document: dict[str, Any], project: Project) -> dict[str, Any]:
    spec = with_layout(validate_document(document, "spec"))
    check_references(spec, project)
    return spec.model_dump(mode="json")
