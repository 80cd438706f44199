"""The one place that decides who may do what; every service call on a project asks here.

A project the caller cannot see does not exist for them (NotFoundError, HTTP 404, with the
same message as a truly missing one); one they can see but not change is ForbiddenError
(HTTP 403). Server admins hold the owner role on every project. A token's scope caps what
its holder's role allows: ``read`` only views, ``write`` also edits and shares.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from biovista.db.models import Dashboard, GroupMember, Project, ProjectGrant
from biovista.errors import ForbiddenError as ForbiddenError  # raised here, defined with the others
from biovista.errors import NotFoundError

ROLE_RANK = {"viewer": 1, "editor": 2, "owner": 3}
SCOPE_RANK = {"read": 0, "write": 1, "admin": 2}


class Action(StrEnum):
    VIEW = "view"
    """See the project, its collections and rows."""
    EDIT = "edit"
    """Change the project file, ingest."""
    MANAGE = "manage"
    """Share (grant roles) and delete."""


NEEDED_ROLE = {Action.VIEW: "viewer", Action.EDIT: "editor", Action.MANAGE: "owner"}
NEEDED_SCOPE = {Action.VIEW: "read", Action.EDIT: "write", Action.MANAGE: "write"}


@dataclass(frozen=True)
class Principal:
    """Who is calling, and what their credential allows."""

    user_id: uuid.UUID
    role: str
    scope: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def require_scope(self, needed: str) -> None:
        if SCOPE_RANK[self.scope] < SCOPE_RANK[needed]:
            raise ForbiddenError(f"this token's scope is {self.scope!r}; {needed!r} is needed")

    def require_admin(self) -> None:
        if not self.is_admin:
            raise ForbiddenError("only server admins may do this")
        self.require_scope("admin")


LOCAL_ADMIN = Principal(uuid.UUID(int=0), "admin", "admin")
"""The caller in single-user (demo) mode and on the server's own command line."""


def project_role(session: Session, principal: Principal, project_id: uuid.UUID) -> str | None:
    """The caller's strongest role on a project, directly or through a group."""
    if principal.is_admin:
        return "owner"
    groups = select(GroupMember.group_id).where(GroupMember.user_id == principal.user_id)
    roles = session.scalars(
        select(ProjectGrant.role).where(
            ProjectGrant.project_id == project_id,
            (ProjectGrant.user_id == principal.user_id) | ProjectGrant.group_id.in_(groups),
        )
    ).all()
    return max(roles, key=ROLE_RANK.__getitem__, default=None)


def authorize_project(session: Session, principal: Principal, name: str, action: Action) -> Project:
    """The project, if the caller may do ``action`` on it."""
    project = session.scalar(select(Project).where(Project.name == name))
    role = project_role(session, principal, project.id) if project is not None else None
    if project is None or role is None:
        raise NotFoundError(f"no project named {name!r}")
    _require(principal, role, action, f"project {name!r}")
    return project


def authorize_dashboard(
    session: Session, principal: Principal, dashboard_id: uuid.UUID, action: Action
) -> Dashboard:
    """A dashboard, if the caller may do ``action`` on it: its project's role decides."""
    dashboard = session.get(Dashboard, dashboard_id)
    role = project_role(session, principal, dashboard.project_id) if dashboard else None
    if dashboard is None or role is None:
        raise NotFoundError(f"no dashboard {dashboard_id}")
    _require(principal, role, action, "this dashboard's project")
    return dashboard


def _require(principal: Principal, role: str, action: Action, what: str) -> None:
    """The role must rank high enough for the action, and the token's scope allow it."""
    needed = NEEDED_ROLE[action]
    if ROLE_RANK[role] < ROLE_RANK[needed]:
        raise ForbiddenError(f"your role on {what} is {role}; to {action} it you need {needed}")
    principal.require_scope(NEEDED_SCOPE[action])


def visible_projects(
    session: Session, principal: Principal, after: str | None = None, limit: int | None = None
) -> list[Project]:
    """Projects the caller can view, by name (those after ``after``, at most ``limit``)."""
    query = select(Project).order_by(Project.name).limit(limit)
    if after is not None:
        query = query.where(Project.name > after)
    if not principal.is_admin:
        groups = select(GroupMember.group_id).where(GroupMember.user_id == principal.user_id)
        granted = select(ProjectGrant.project_id).where(
            (ProjectGrant.user_id == principal.user_id) | ProjectGrant.group_id.in_(groups)
        )
        query = query.where(Project.id.in_(granted))
    return list(session.scalars(query))
