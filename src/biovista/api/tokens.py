"""``/api/v1/tokens``: the caller's personal API tokens (the secret is shown once)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from biovista.api.deps import CurrentUser, SessionDep
from biovista.api.pagination import Cursor, Limit, page_of
from biovista.db.models import ApiToken, User, as_utc
from biovista.services.accounts import api_tokens

router = APIRouter(tags=["tokens"])


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    scope: Literal["read", "write", "admin"] = "read"
    expires_in: str | None = Field(
        default="90d",
        pattern=r"^[1-9][0-9]{0,5}[dhm]$",
        description="e.g. 90d, 12h, 30m; null: never",
    )


class TokenPublic(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str
    scope: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked: bool


class TokenCreated(TokenPublic):
    token: str = Field(description="The whole token. It is shown only this once.")


def _public(token: ApiToken) -> TokenPublic:
    return TokenPublic(
        id=token.id,
        name=token.name,
        prefix=token.prefix,
        scope=token.scope,
        created_at=as_utc(token.created_at),
        expires_at=as_utc(token.expires_at) if token.expires_at else None,
        last_used_at=as_utc(token.last_used_at) if token.last_used_at else None,
        revoked=token.revoked_at is not None,
    )


@router.post("/tokens", response_model=TokenCreated, status_code=201)
def create_token(body: TokenCreate, principal: CurrentUser, session: SessionDep) -> TokenCreated:
    principal.require_scope("write")
    user = session.get_one(User, principal.user_id)
    expires = api_tokens.parse_duration(body.expires_in) if body.expires_in else None
    created = api_tokens.create_token(session, user, body.name, body.scope, expires)
    return TokenCreated(**_public(created.token).model_dump(), token=created.secret)


@router.get("/tokens", response_model=list[TokenPublic])
def read_tokens(
    principal: CurrentUser,
    session: SessionDep,
    request: Request,
    response: Response,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> list[TokenPublic]:
    """The caller's tokens, oldest first; never their secrets."""
    user = session.get_one(User, principal.user_id)
    found = api_tokens.list_tokens(session, user)
    page = page_of(
        found, lambda t: [t.created_at.isoformat(), t.id], limit, cursor, request, response
    )
    return [_public(t) for t in page]


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: uuid.UUID, principal: CurrentUser, session: SessionDep) -> Response:
    principal.require_scope("write")
    user = session.get_one(User, principal.user_id)
    api_tokens.revoke_token(session, user, token_id)
    return Response(status_code=204)
