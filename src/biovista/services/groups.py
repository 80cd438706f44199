"""Groups: any user may create one (and administers it); group admins manage members."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from biovista.auth.policy import ForbiddenError, Principal
from biovista.db.models import Group, GroupMember, User
from biovista.errors import ConflictError, InvalidInputError, NotFoundError
from biovista.services.users import get_user_by_email

GROUP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


@dataclass(frozen=True)
class Member:
    email: str
    is_admin: bool


@dataclass(frozen=True)
class GroupView:
    name: str
    description: str
    members: list[Member]


def create_group(
    session: Session, principal: Principal, name: str, description: str = ""
) -> GroupView:
    principal.require_scope("write")
    if not GROUP_NAME.match(name):
        raise InvalidInputError(
            f"group name {name!r} must start with a letter or digit and contain only letters, "
            "digits, '.', '_' and '-'"
        )
    if session.scalar(select(Group).where(Group.name == name)) is not None:
        raise ConflictError(f"a group named {name!r} already exists")
    group = Group(name=name, description=description, created_by=str(principal.user_id))
    session.add(group)
    session.flush()
    if session.get(User, principal.user_id) is not None:
        session.add(GroupMember(group_id=group.id, user_id=principal.user_id, is_admin=True))
    session.flush()
    return _view(session, group)


def list_groups(session: Session, principal: Principal) -> list[GroupView]:
    """The caller's groups (every group, for server admins)."""
    query = select(Group).order_by(Group.name)
    if not principal.is_admin:
        mine = select(GroupMember.group_id).where(GroupMember.user_id == principal.user_id)
        query = query.where(Group.id.in_(mine))
    return [_view(session, g) for g in session.scalars(query)]


def add_member(
    session: Session, principal: Principal, group_name: str, email: str, is_admin: bool = False
) -> GroupView:
    group = _manageable(session, principal, group_name)
    user = get_user_by_email(session, email)
    member = session.scalar(
        select(GroupMember).where(GroupMember.group_id == group.id, GroupMember.user_id == user.id)
    )
    if member is None:
        session.add(GroupMember(group_id=group.id, user_id=user.id, is_admin=is_admin))
    else:
        member.is_admin = is_admin
    session.flush()
    return _view(session, group)


def remove_member(session: Session, principal: Principal, group_name: str, email: str) -> GroupView:
    group = _manageable(session, principal, group_name)
    user = get_user_by_email(session, email)
    member = session.scalar(
        select(GroupMember).where(GroupMember.group_id == group.id, GroupMember.user_id == user.id)
    )
    if member is None:
        raise NotFoundError(f"{user.email} is not a member of {group_name!r}")
    session.delete(member)
    session.flush()
    return _view(session, group)


def delete_group(session: Session, principal: Principal, group_name: str) -> None:
    """Delete a group (its admins, or server admins); the roles it held go with it."""
    session.delete(_manageable(session, principal, group_name))
    session.flush()


def _manageable(session: Session, principal: Principal, name: str) -> Group:
    """A group the caller administers; a group they are not in looks missing."""
    principal.require_scope("write")
    group = session.scalar(select(Group).where(Group.name == name))
    membership = (
        session.scalar(
            select(GroupMember).where(
                GroupMember.group_id == group.id, GroupMember.user_id == principal.user_id
            )
        )
        if group is not None
        else None
    )
    if group is None or (membership is None and not principal.is_admin):
        raise NotFoundError(f"no group named {name!r}")
    if not principal.is_admin and not (membership and membership.is_admin):
        raise ForbiddenError(f"only admins of {name!r} manage its members")
    return group


def _view(session: Session, group: Group) -> GroupView:
    rows = session.execute(
        select(User.email, GroupMember.is_admin)
        .join(GroupMember, GroupMember.user_id == User.id)
        .where(GroupMember.group_id == group.id)
        .order_by(User.email)
    )
    return GroupView(group.name, group.description, [Member(e, a) for e, a in rows])
