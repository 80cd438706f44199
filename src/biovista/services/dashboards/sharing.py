"""Sharing a dashboard: who holds which role on it, and the changes its owners make.

A dashboard has no roles of its own: it inherits its project's (see ``auth.policy``). So
sharing a dashboard grants a role on its project, which opens every dashboard of that
project; the people who may share are the project's owners (whether the caller is one:
``auth.policy.allows(..., Action.MANAGE)``). Every change goes through
:mod:`biovista.services.accounts.grants`, which enforces that, so the web page cannot bypass it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biovista.auth.policy import Action, Principal, authorize_dashboard
from biovista.db.models import Group, GroupMember
from biovista.errors import InvalidInputError, NotFoundError
from biovista.services.accounts import grants as access


@dataclass(frozen=True)
class Holder:
    """One role on the dashboard, held by a user or a group, through the project."""

    grant_id: uuid.UUID
    role: str
    name: str
    """The user's e-mail or the group's name."""
    is_group: bool
    members: int
    """How many users a group's role reaches (0 for a user)."""
    project: str
    """Where the role comes from: the dashboard's project."""


@dataclass(frozen=True)
class Sharing:
    """What the share dialog shows for one dashboard."""

    dashboard_id: uuid.UUID
    title: str
    project: str
    public: bool
    has_link: bool
    holders: list[Holder]


def sharing_of(session: Session, principal: Principal, dashboard_id: uuid.UUID) -> Sharing:
    """The roles on a dashboard, users first, then groups (owners only)."""
    dashboard = authorize_dashboard(session, principal, dashboard_id, Action.MANAGE)
    project = dashboard.project.name
    grants = access.list_grants(session, principal, project)
    counts = _member_counts(session, [g.group for g in grants if g.group])
    holders = [
        Holder(
            grant_id=g.id,
            role=g.role,
            name=g.user or g.group or "",
            is_group=g.group is not None,
            members=counts.get(g.group, 0) if g.group else 0,
            project=project,
        )
        for g in grants
    ]
    holders.sort(key=lambda h: (h.is_group, h.name))
    return Sharing(
        dashboard_id=dashboard.id,
        title=dashboard.title,
        project=project,
        public=dashboard.is_public,
        has_link=dashboard.link_token_hash is not None,
        holders=holders,
    )


def share(
    session: Session, principal: Principal, dashboard_id: uuid.UUID, who: str, role: str
) -> access.Grant:
    """Give ``who`` (an e-mail, or a group name: those never contain '@') a role."""
    project = _project_of(session, principal, dashboard_id)
    who = who.strip()
    if not who:
        raise InvalidInputError("name a user by e-mail or a group by name to share with")
    if "@" in who:
        return access.grant_role(session, principal, project, role, user_email=who)
    return access.grant_role(session, principal, project, role, group_name=who)


def change_role(
    session: Session, principal: Principal, dashboard_id: uuid.UUID, grant_id: uuid.UUID, role: str
) -> access.Grant:
    """Give the holder of an existing grant another role."""
    project = _project_of(session, principal, dashboard_id)
    grant = next(
        (g for g in access.list_grants(session, principal, project) if g.id == grant_id), None
    )
    if grant is None:
        raise NotFoundError(f"project {project!r} has no grant {grant_id}")
    return access.grant_role(session, principal, project, role, grant.user, grant.group)


def unshare(
    session: Session, principal: Principal, dashboard_id: uuid.UUID, grant_id: uuid.UUID
) -> None:
    """Withdraw a role (a project keeps at least one owner)."""
    access.withdraw(session, principal, _project_of(session, principal, dashboard_id), grant_id)


def _project_of(session: Session, principal: Principal, dashboard_id: uuid.UUID) -> str:
    return authorize_dashboard(session, principal, dashboard_id, Action.MANAGE).project.name


def _member_counts(session: Session, names: list[str]) -> dict[str, int]:
    rows = session.execute(
        select(Group.name, func.count(GroupMember.id))
        .join(GroupMember, GroupMember.group_id == Group.id)
        .where(Group.name.in_(names))
        .group_by(Group.name)
    )
    return {row[0]: row[1] for row in rows.all()}
