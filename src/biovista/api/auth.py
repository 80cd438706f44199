"""``/api/v1/auth``: log in, refresh (rotating cookie), log out; and who am I."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from biovista.api.deps import CurrentUser, KeyRingDep, LimiterDep, SessionDep, SettingsDep
from biovista.auth.tokens import AuthenticationError
from biovista.db.models import User
from biovista.services.accounts import logins as sessions
from biovista.services.accounts.logins import REFRESH_TTL, IssuedTokens

router = APIRouter(tags=["auth"])
COOKIE = "biovista_refresh"
COOKIE_PATH = "/api/v1/auth"


class LoginRequest(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class AccessToken(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    display_name: str
    role: str


def _respond(response: Response, request: Request, issued: IssuedTokens) -> AccessToken:
    response.set_cookie(
        COOKIE,
        issued.refresh_token,
        max_age=int(REFRESH_TTL.total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    response.headers["Cache-Control"] = "no-store"
    return AccessToken(access_token=issued.access_token, expires_at=issued.access_expires_at)


@router.post("/auth/login", response_model=AccessToken)
def login(
    body: LoginRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    ring: KeyRingDep,
    limiter: LimiterDep,
) -> AccessToken:
    """Exchange e-mail and password for a 15-minute access token and a refresh cookie.

    Failed logins are limited per (account, address), per address, and per account for
    addresses that never logged into it; the address is the connection's peer, or what a
    trusted proxy (setting ``trusted_proxies``) put in ``X-Forwarded-For``."""
    address = request.client.host if request.client else "unknown"
    issued = sessions.login(session, ring, limiter, body.email, body.password, address)
    return _respond(response, request, issued)


@router.post("/auth/refresh", response_model=AccessToken)
def refresh(
    request: Request,
    response: Response,
    session: SessionDep,
    ring: KeyRingDep,
    settings: SettingsDep,
) -> AccessToken:
    """Spend the refresh cookie for a new access token and a new refresh cookie.

    Presenting the same cookie again within ``refresh_grace_seconds`` returns the same new
    cookie (parallel requests of one client); later, it ends the whole login."""
    presented = request.cookies.get(COOKIE)
    if not presented:
        raise AuthenticationError("no refresh cookie; log in first")
    issued = sessions.refresh(session, ring, presented, settings.refresh_grace_seconds)
    return _respond(response, request, issued)


@router.post("/auth/logout", status_code=204)
def logout(request: Request, response: Response, session: SessionDep) -> Response:
    """Revoke this login's refresh tokens and clear the cookie."""
    presented = request.cookies.get(COOKIE)
    if presented:
        sessions.logout(session, presented)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response


@router.get("/users/me", response_model=UserPublic)
def me(principal: CurrentUser, session: SessionDep) -> UserPublic:
    user = session.get(User, principal.user_id)
    if user is None:
        return UserPublic(
            id=principal.user_id,
            email="local",
            display_name="Local (single-user mode)",
            role="admin",
        )
    return UserPublic.model_validate(user)
