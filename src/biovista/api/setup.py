"""``/api/v1/auth/setup``: create the first admin of an empty server with its setup token."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from biovista.api.auth import UserPublic
from biovista.api.deps import SettingsDep
from biovista.services.accounts.bootstrap import complete_setup

router = APIRouter(tags=["auth"])


class SetupRequest(BaseModel):
    token: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


@router.post("/auth/setup", response_model=UserPublic, status_code=201)
def setup(body: SetupRequest, request: Request, settings: SettingsDep) -> UserPublic:
    user = complete_setup(
        settings, request.app.state.setup_token, body.token, body.email, body.password
    )
    request.app.state.setup_token = None
    return UserPublic.model_validate(user)
