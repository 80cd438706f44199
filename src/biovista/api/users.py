"""``/api/v1/users``: accounts, for server admins (everyone else has ``/users/me``)."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from biovista.api.auth import UserPublic
from biovista.api.deps import CurrentUser, SessionDep
from biovista.api.pagination import Cursor, Limit, decode_cursor, finish_page
from biovista.auth.passwords import MIN_LENGTH
from biovista.services.accounts import users

router = APIRouter(tags=["users"])


class UserCreate(BaseModel):
    email: str = Field(min_length=3, max_length=320, pattern=users.EMAIL.pattern)
    password: str = Field(
        min_length=MIN_LENGTH,
        max_length=1024,
        pattern=f"^[^{users.BLANK}]([\\s\\S]*[^{users.BLANK}])?$",
        description=f"At least {MIN_LENGTH} characters, not starting or ending with a space",
    )
    role: Literal["admin", "user"] = "user"
    display_name: str = Field(default="", max_length=200)


class UserChange(BaseModel):
    role: Literal["admin", "user"] | None = None
    disabled: Literal[True] | None = Field(default=None, description="true disables the account")


class UserAdminView(UserPublic):
    disabled: bool


@router.get("/users", response_model=list[UserAdminView])
def read_users(
    principal: CurrentUser,
    session: SessionDep,
    request: Request,
    response: Response,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> list[UserAdminView]:
    """Accounts by e-mail."""
    principal.require_admin()
    key = decode_cursor(cursor)
    found = users.list_users(session, after=str(key[0]) if key else None, limit=limit + 1)
    return [
        UserAdminView.model_validate(u)
        for u in finish_page(found, limit, lambda u: [u.email], request, response)
    ]


@router.post("/users", response_model=UserAdminView, status_code=201)
def create(body: UserCreate, principal: CurrentUser, session: SessionDep) -> UserAdminView:
    principal.require_admin()
    user = users.create_user(session, body.email, body.password, body.role, body.display_name)
    return UserAdminView.model_validate(user)


@router.patch("/users/{user_id:uuid}", response_model=UserAdminView)
def change(
    user_id: uuid.UUID, body: UserChange, principal: CurrentUser, session: SessionDep
) -> UserAdminView:
    """Change a role, or disable an account (which ends its sessions)."""
    principal.require_admin()
    user = users.get_user(session, user_id)
    if body.role is not None:
        users.set_role(session, user.email, body.role)
    if body.disabled:
        users.disable_user(session, user.email)
    return UserAdminView.model_validate(user)
