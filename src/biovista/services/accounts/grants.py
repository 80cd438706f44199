"""Sharing a project: grant or withdraw a role for a user or a group (owners only)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biovista.auth.policy import ROLE_RANK, Action, Principal, authorize_project
from biovista.db.models import Group, Project, ProjectGrant, User
from biovista.errors import InvalidInputError, NotFoundError
from biovista.services.accounts.users import get_user_by_email


@dataclass(frozen=True)
class Grant:
    id: uuid.UUID
    role: str
    user: str | None
    group: str | None


def list_grants(session: Session, principal: Principal, project_name: str) -> list[Grant]:
    project = authorize_project(session, principal, project_name, Action.VIEW)
    return [_grant(session, g) for g in _grants(session, project)]


def grant_role(
    session: Session,
    principal: Principal,
    project_name: str,
    role: str,
    user_email: str | None = None,
    group_name: str | None = None,
) -> Grant:
    """Give (or change) a role; exactly one of a user and a group receives it."""
    project = authorize_project(session, principal, project_name, Action.MANAGE)
    if role not in ROLE_RANK:
        raise InvalidInputError(f"unknown role {role!r}; roles: {', '.join(ROLE_RANK)}")
    if (user_email is None) == (group_name is None):
        raise InvalidInputError("grant a role to exactly one of 'user' or 'group'")
    user_id = get_user_by_email(session, user_email).id if user_email else None
    group_id = _group_by_name(session, group_name).id if group_name else None
    existing = session.scalar(
        select(ProjectGrant).where(
            ProjectGrant.project_id == project.id,
            ProjectGrant.user_id == user_id if user_id else ProjectGrant.user_id.is_(None),
            ProjectGrant.group_id == group_id if group_id else ProjectGrant.group_id.is_(None),
        )
    )
    if existing is None:
        existing = ProjectGrant(
            project_id=project.id, user_id=user_id, group_id=group_id, role=role
        )
        session.add(existing)
    elif existing.role == "owner" and role != "owner":
        _keep_one_owner(session, project, existing)
    existing.role = role
    session.flush()
    return _grant(session, existing)


def withdraw(
    session: Session, principal: Principal, project_name: str, grant_id: uuid.UUID
) -> None:
    project = authorize_project(session, principal, project_name, Action.MANAGE)
    grant = session.get(ProjectGrant, grant_id)
    if grant is None or grant.project_id != project.id:
        raise NotFoundError(f"project {project_name!r} has no grant {grant_id}")
    if grant.role == "owner":
        _keep_one_owner(session, project, grant)
    session.delete(grant)


def make_owner(session: Session, project: Project, user_id: uuid.UUID) -> None:
    """The creator of a project owns it."""
    session.add(ProjectGrant(project_id=project.id, user_id=user_id, role="owner"))


def _grants(session: Session, project: Project) -> list[ProjectGrant]:
    return list(
        session.scalars(
            select(ProjectGrant)
            .where(ProjectGrant.project_id == project.id)
            .order_by(ProjectGrant.created_at)
        )
    )


def _grant(session: Session, grant: ProjectGrant) -> Grant:
    user = session.get(User, grant.user_id) if grant.user_id else None
    group = session.get(Group, grant.group_id) if grant.group_id else None
    return Grant(grant.id, grant.role, user.email if user else None, group.name if group else None)


def _group_by_name(session: Session, name: str | None) -> Group:
    group = session.scalar(select(Group).where(Group.name == name))
    if group is None:
        raise NotFoundError(f"no group named {name!r}")
    return group


def _keep_one_owner(session: Session, project: Project, leaving: ProjectGrant) -> None:
    owners = session.scalar(
        select(func.count())
        .select_from(ProjectGrant)
        .where(
            ProjectGrant.project_id == project.id,
            ProjectGrant.role == "owner",
            ProjectGrant.id != leaving.id,
        )
    )
    if not owners:
        raise InvalidInputError("a project keeps at least one owner; name another owner first")
