"""Opening a dashboard for a view: the access check, and what its components may read.

The web app is stateless: each request opens the dashboard again with the caller's
credential (a login, a public dashboard, or a share link) and reads only the collections
that the dashboard's own components name, through the query engine
(:class:`biovista.query.dashboard.DashboardData` over the :class:`OpenedDashboard`).

Components that are not saved yet (the editor's live preview) are read only for those who
may edit the dashboard: :func:`require_editor` opens it for them.
"""

from __future__ import annotations

import uuid

from biovista.auth.policy import (
    NOTHING,
    Action,
    Capabilities,
    Principal,
    authorize_dashboard,
    capabilities,
)
from biovista.config import Settings
from biovista.db.models import Dashboard
from biovista.db.session import session_scope
from biovista.errors import NotFoundError
from biovista.models.dashboard import DashboardSpec
from biovista.models.project import ProjectConfig
from biovista.query.dashboard import OpenedDashboard
from biovista.services.dashboards import documents as dashboards


def open_dashboard(
    settings: Settings,
    principal: Principal | None,
    dashboard_id: uuid.UUID | None = None,
    link_token: str | None = None,
) -> OpenedDashboard:
    """Open by id (logged in, or public) or by share link; NotFoundError when not visible."""
    with session_scope(settings.resolved_database_url) as session:
        if link_token is not None:
            return _opened(dashboards.shared_dashboard(session, link_token), NOTHING)
        if dashboard_id is None:
            raise NotFoundError("no dashboard was named")
        dashboard = dashboards.readable_dashboard(session, principal, dashboard_id)
        allowed = (
            NOTHING if principal is None else capabilities(session, principal, dashboard.project_id)
        )
        return _opened(dashboard, allowed)


def require_editor(
    settings: Settings, principal: Principal | None, dashboard_id: uuid.UUID
) -> OpenedDashboard:
    """The dashboard, opened for the editor: only for a signed-in editor of its project.

    Public dashboards and share links do not count here, so a stranger (or anyone without a
    role) gets the same NotFoundError as the REST API gives, and a viewer ForbiddenError."""
    if principal is None:
        raise NotFoundError(f"no dashboard {dashboard_id}")
    with session_scope(settings.resolved_database_url) as session:
        dashboard = authorize_dashboard(session, principal, dashboard_id, Action.EDIT)
        return _opened(dashboard, capabilities(session, principal, dashboard.project_id))


def open_every_dashboard(settings: Settings) -> list[OpenedDashboard]:
    """Every dashboard, for the server's own use (warming its caches): never shown to anyone."""
    with session_scope(settings.resolved_database_url) as session:
        return [_opened(d, NOTHING) for d in session.query(Dashboard).all()]


def _opened(dashboard: Dashboard, allowed: Capabilities) -> OpenedDashboard:
    """``allowed``: what the caller may do on its project (nothing through a link)."""
    project = dashboard.project
    ingested = [c for c in project.collections if c.delta_version is not None]
    return OpenedDashboard(
        id=dashboard.id,
        title=dashboard.title,
        project=project.name,
        spec=DashboardSpec.model_validate(dashboard.spec),
        revision=dashboard.revision,
        can_edit=allowed.edit,
        can_share=allowed.manage,
        public=dashboard.is_public,
        table_keys={c.name: c.table_key for c in ingested},
        table_versions={c.name: int(c.delta_version or 0) for c in ingested},
        row_counts={c.name: c.row_count for c in project.collections},
        columns={c.name: [col["name"] for col in c.columns] for c in project.collections},
        links=ProjectConfig.model_validate(project.config).links,
    )
