"""Sharing: ``/api/v1/projects/{name}/members``, ``/api/v1/groups`` and the invitations
that let people join groups (``/api/v1/invitations`` for the invitee)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from biovista.api.deps import CurrentUser, SessionDep
from biovista.api.pagination import Cursor, Limit, page_of
from biovista.services.accounts import grants as access
from biovista.services.accounts import groups

router = APIRouter(tags=["sharing"])


class GrantRequest(BaseModel):
    role: Literal["viewer", "editor", "owner"]
    user: str | None = Field(default=None, description="E-mail of the user to share with")
    group: str | None = Field(default=None, description="Name of the group to share with")


class GrantPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    role: str
    user: str | None
    group: str | None


class GroupCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, pattern=groups.GROUP_NAME.pattern)
    description: str = Field(default="", max_length=2000)


class MemberRequest(BaseModel):
    email: str = Field(min_length=3, max_length=320, pattern=groups.EMAIL.pattern)
    admin: StrictBool = False


class MemberPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    email: str
    is_admin: bool


class GroupPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    description: str
    members: list[MemberPublic]


class InvitationSent(BaseModel):
    group: str
    email: str
    status: Literal["pending", "member"] = Field(
        description="pending: the invitee joins once they accept; member: already a member, "
        "whose admin flag was set"
    )
    detail: str


class InvitationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    group: str
    email: str
    is_admin: bool
    invited_by: str | None
    created_at: datetime


@router.get("/projects/{name}/members", response_model=list[GrantPublic])
def read_members(
    name: str,
    principal: CurrentUser,
    session: SessionDep,
    request: Request,
    response: Response,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> list[GrantPublic]:
    """Who holds a role on the project: users by e-mail, then groups by name."""
    grants = access.list_grants(session, principal, name)
    page = page_of(
        grants, lambda g: [g.group or "", g.user or "", g.id], limit, cursor, request, response
    )
    return [GrantPublic.model_validate(g) for g in page]


@router.post("/projects/{name}/members", response_model=GrantPublic, status_code=201)
def share(
    name: str, body: GrantRequest, principal: CurrentUser, session: SessionDep
) -> GrantPublic:
    """Give a user or a group a role on the project (owners)."""
    grant = access.grant_role(session, principal, name, body.role, body.user, body.group)
    return GrantPublic.model_validate(grant)


@router.delete("/projects/{name}/members/{grant_id}", status_code=204)
def unshare(
    name: str, grant_id: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> Response:
    access.withdraw(session, principal, name, grant_id)
    return Response(status_code=204)


@router.post("/groups", response_model=GroupPublic, status_code=201)
def create_group(body: GroupCreate, principal: CurrentUser, session: SessionDep) -> GroupPublic:
    """Create a group; its creator is its first admin."""
    return GroupPublic.model_validate(
        groups.create_group(session, principal, body.name, body.description)
    )


@router.get("/groups", response_model=list[GroupPublic])
def read_groups(
    principal: CurrentUser,
    session: SessionDep,
    request: Request,
    response: Response,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> list[GroupPublic]:
    """The groups the caller may see, by name."""
    found = groups.list_groups(session, principal)
    return [
        GroupPublic.model_validate(g)
        for g in page_of(found, lambda g: [g.name], limit, cursor, request, response)
    ]


@router.post("/groups/{name}/members", response_model=InvitationSent, status_code=202)
def invite_member(
    name: str, body: MemberRequest, principal: CurrentUser, session: SessionDep
) -> InvitationSent:
    """Invite someone by e-mail (group admins). They join when they accept; the answer is
    the same whether or not an account has the e-mail."""
    sent = groups.invite_member(session, principal, name, body.email, body.admin)
    detail = (
        f"{sent.email} is a member of {sent.group}"
        if sent.status == "member"
        else f"invitation to {sent.group} sent to {sent.email}; they join once they accept"
    )
    return InvitationSent(group=sent.group, email=sent.email, status=sent.status, detail=detail)


@router.delete("/groups/{name}/members/{email}", response_model=GroupPublic)
def remove_member(
    name: str, email: str, principal: CurrentUser, session: SessionDep
) -> GroupPublic:
    return GroupPublic.model_validate(groups.remove_member(session, principal, name, email))


@router.get("/groups/{name}/invitations", response_model=list[InvitationPublic])
def read_group_invitations(
    name: str,
    principal: CurrentUser,
    session: SessionDep,
    request: Request,
    response: Response,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> list[InvitationPublic]:
    """The group's pending invitations, by e-mail (group admins)."""
    found = groups.group_invitations(session, principal, name)
    page = page_of(found, lambda i: [i.email], limit, cursor, request, response)
    return [InvitationPublic.model_validate(i) for i in page]


@router.delete("/groups/{name}/invitations/{email}", status_code=204)
def withdraw_invitation(
    name: str, email: str, principal: CurrentUser, session: SessionDep
) -> Response:
    """Withdraw a pending invitation (group admins)."""
    groups.withdraw_invitation(session, principal, name, email)
    return Response(status_code=204)


@router.get("/invitations", response_model=list[InvitationPublic])
def read_my_invitations(
    principal: CurrentUser,
    session: SessionDep,
    request: Request,
    response: Response,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> list[InvitationPublic]:
    """The group invitations waiting for the caller, by group."""
    found = groups.my_invitations(session, principal)
    page = page_of(found, lambda i: [i.group], limit, cursor, request, response)
    return [InvitationPublic.model_validate(i) for i in page]


@router.post("/invitations/{invitation_id}/accept", response_model=GroupPublic)
def accept_invitation(
    invitation_id: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> GroupPublic:
    """Join the group (the invitee only; anyone else gets 404)."""
    return GroupPublic.model_validate(groups.accept_invitation(session, principal, invitation_id))


@router.post("/invitations/{invitation_id}/decline", status_code=204)
def decline_invitation(
    invitation_id: uuid.UUID, principal: CurrentUser, session: SessionDep
) -> Response:
    """Decline: the invitation goes and the caller stays out (the invitee only)."""
    groups.decline_invitation(session, principal, invitation_id)
    return Response(status_code=204)
