"""Groups: any user may create one (and administers it); group admins invite and remove
members. Joining takes consent: an invitation waits until its invitee accepts or declines
it, and inviting answers the same whether or not an account has the e-mail, so a group
admin learns nothing about who has an account here."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biovista.auth.policy import ForbiddenError, Principal
from biovista.db.models import Group, GroupInvitation, GroupMember, User, as_utc
from biovista.errors import ConflictError, InvalidInputError, NotFoundError
from biovista.services.accounts.users import normalise_email

GROUP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
MAX_PENDING = 500
"""Pending invitations a group may hold at once: inviting is cheap, rows are not free."""


@dataclass(frozen=True)
class Member:
    email: str
    is_admin: bool


@dataclass(frozen=True)
class GroupView:
    name: str
    description: str
    members: list[Member]


@dataclass(frozen=True)
class InvitationView:
    id: uuid.UUID
    group: str
    email: str
    is_admin: bool
    invited_by: str | None
    """The inviter's e-mail (``None`` once their account is gone)."""
    created_at: datetime


@dataclass(frozen=True)
class Invited:
    """What inviting did: ``pending`` (an invitation waits for its invitee) or ``member``
    (already a member, whose admin flag was set; group admins see members anyway)."""

    group: str
    email: str
    status: str


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


def invite_member(
    session: Session, principal: Principal, group_name: str, email: str, is_admin: bool = False
) -> Invited:
    """Invite ``email`` to the group (its admins). Nobody joins without accepting; the
    answer is the same whether or not an account has that e-mail."""
    group = _manageable(session, principal, group_name)
    address = _address(email)
    member = session.scalar(
        select(GroupMember)
        .join(User, User.id == GroupMember.user_id)
        .where(GroupMember.group_id == group.id, User.email == address)
    )
    if member is not None:
        member.is_admin = is_admin
        session.flush()
        return Invited(group.name, address, "member")
    invitation = session.scalar(
        select(GroupInvitation).where(
            GroupInvitation.group_id == group.id, GroupInvitation.email == address
        )
    )
    if invitation is None:
        pending = session.scalar(select(func.count()).where(GroupInvitation.group_id == group.id))
        if (pending or 0) >= MAX_PENDING:
            raise ConflictError(
                f"{group.name!r} already has {MAX_PENDING} pending invitations; withdraw some first"
            )
        invitation = GroupInvitation(
            group_id=group.id, email=address, created_by=str(principal.user_id)
        )
        session.add(invitation)
    invitation.is_admin = is_admin
    session.flush()
    return Invited(group.name, address, "pending")


def group_invitations(
    session: Session, principal: Principal, group_name: str
) -> list[InvitationView]:
    """The group's pending invitations, by e-mail (its admins)."""
    group = _manageable(session, principal, group_name, scope="read")
    found = session.scalars(
        select(GroupInvitation)
        .where(GroupInvitation.group_id == group.id)
        .order_by(GroupInvitation.email)
    )
    return [_invitation(session, i) for i in found]


def withdraw_invitation(
    session: Session, principal: Principal, group_name: str, email: str
) -> None:
    """Withdraw a pending invitation (the group's admins)."""
    group = _manageable(session, principal, group_name)
    address = normalise_email(email)
    invitation = session.scalar(
        select(GroupInvitation).where(
            GroupInvitation.group_id == group.id, GroupInvitation.email == address
        )
    )
    if invitation is None:
        raise NotFoundError(f"no pending invitation of {address} to {group_name!r}")
    session.delete(invitation)
    session.flush()


def my_invitations(session: Session, principal: Principal) -> list[InvitationView]:
    """The invitations waiting for the caller, by group."""
    principal.require_scope("read")
    user = session.get(User, principal.user_id)
    if user is None:
        return []
    found = session.scalars(
        select(GroupInvitation)
        .join(Group, Group.id == GroupInvitation.group_id)
        .where(GroupInvitation.email == user.email)
        .order_by(Group.name)
    )
    return [_invitation(session, i) for i in found]


def accept_invitation(
    session: Session, principal: Principal, invitation_id: uuid.UUID
) -> GroupView:
    """Join the group the invitation is for (its invitee only)."""
    invitation, user = _mine(session, principal, invitation_id)
    group = invitation.group
    member = session.scalar(
        select(GroupMember).where(GroupMember.group_id == group.id, GroupMember.user_id == user.id)
    )
    if member is None:
        session.add(GroupMember(group_id=group.id, user_id=user.id, is_admin=invitation.is_admin))
    else:
        member.is_admin = member.is_admin or invitation.is_admin
    session.delete(invitation)
    session.flush()
    return _view(session, group)


def decline_invitation(session: Session, principal: Principal, invitation_id: uuid.UUID) -> None:
    """Say no: the invitation goes, and the caller stays out of the group (its invitee)."""
    invitation, _ = _mine(session, principal, invitation_id)
    session.delete(invitation)
    session.flush()


def remove_member(session: Session, principal: Principal, group_name: str, email: str) -> GroupView:
    group = _manageable(session, principal, group_name)
    address = normalise_email(email)
    member = session.scalar(
        select(GroupMember)
        .join(User, User.id == GroupMember.user_id)
        .where(GroupMember.group_id == group.id, User.email == address)
    )
    if member is None:  # the same for an e-mail no account has
        raise NotFoundError(f"{address} is not a member of {group_name!r}")
    session.delete(member)
    session.flush()
    return _view(session, group)


def delete_group(session: Session, principal: Principal, group_name: str) -> None:
    """Delete a group (its admins, or server admins); the roles it held go with it."""
    session.delete(_manageable(session, principal, group_name))
    session.flush()


def _manageable(session: Session, principal: Principal, name: str, scope: str = "write") -> Group:
    """A group the caller administers; a group they are not in looks missing."""
    principal.require_scope(scope)
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


def _address(email: str) -> str:
    address = normalise_email(email)
    if not EMAIL.match(address) or len(address) > 320:
        raise InvalidInputError(f"{email!r} is not an e-mail address")
    return address


def _mine(
    session: Session, principal: Principal, invitation_id: uuid.UUID
) -> tuple[GroupInvitation, User]:
    """The caller's own invitation; anyone else's looks missing."""
    principal.require_scope("write")
    user = session.get(User, principal.user_id)
    invitation = session.get(GroupInvitation, invitation_id)
    if user is None or invitation is None or invitation.email != user.email:
        raise NotFoundError(f"no invitation {invitation_id} for you")
    return invitation, user


def _invitation(session: Session, invitation: GroupInvitation) -> InvitationView:
    inviter = None
    if invitation.created_by:
        try:
            inviter = session.get(User, uuid.UUID(invitation.created_by))
        except ValueError:
            inviter = None
    return InvitationView(
        id=invitation.id,
        group=invitation.group.name,
        email=invitation.email,
        is_admin=invitation.is_admin,
        invited_by=inviter.email if inviter else None,
        created_at=as_utc(invitation.created_at),
    )
