"""Personal API tokens for the CLI and scripts: shown once, stored hashed, scoped, revocable."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from biovista.auth.passwords import token_digest
from biovista.auth.tokens import AuthenticationError
from biovista.db.models import ApiToken, User, as_utc
from biovista.errors import InvalidInputError, NotFoundError

SCOPES = ("read", "write", "admin")
TOKEN_PREFIX = "bv_"
DURATION = re.compile(r"^(\d+)([dhm])$")


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    secret: str
    """The whole token; it is shown once and never stored."""


def parse_duration(text: str) -> timedelta:
    """``90d``, ``12h`` or ``30m``."""
    found = DURATION.match(text.strip())
    if not found or int(found.group(1)) == 0:
        raise InvalidInputError(f"expiry {text!r} is not a duration like 90d, 12h or 30m")
    amount, unit = int(found.group(1)), found.group(2)
    return {
        "d": timedelta(days=amount),
        "h": timedelta(hours=amount),
        "m": timedelta(minutes=amount),
    }[unit]


def create_token(
    session: Session, user: User, name: str, scope: str, expires_in: timedelta | None
) -> CreatedToken:
    if scope not in SCOPES:
        raise InvalidInputError(f"unknown scope {scope!r}; scopes: {', '.join(SCOPES)}")
    if scope == "admin" and user.role != "admin":
        raise InvalidInputError("only admins can create admin-scoped tokens")
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=prefix,
        token_hash=token_digest(secret),
        scope=scope,
        expires_at=datetime.now(UTC) + expires_in if expires_in else None,
    )
    session.add(token)
    session.flush()
    return CreatedToken(token, f"{TOKEN_PREFIX}{prefix}_{secret}")


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)
        )
    )


def revoke_token(session: Session, user: User, token_id: uuid.UUID) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFoundError(f"no token {token_id}")
    token.revoked_at = token.revoked_at or datetime.now(UTC)


def authenticate_token(session: Session, presented: str) -> tuple[User, str]:
    """The user and scope of a ``bv_<prefix>_<secret>`` token, or AuthenticationError."""
    body = presented.removeprefix(TOKEN_PREFIX)
    prefix, _, secret = body.partition("_")
    token = session.scalar(select(ApiToken).where(ApiToken.prefix == prefix)) if secret else None
    if token is None or not secrets.compare_digest(token.token_hash, token_digest(secret)):
        raise AuthenticationError("unknown API token")
    now = datetime.now(UTC)
    if token.revoked_at is not None:
        raise AuthenticationError("this API token was revoked")
    if token.expires_at is not None and as_utc(token.expires_at) <= now:
        raise AuthenticationError("this API token has expired")
    user = session.get_one(User, token.user_id)
    if user.disabled:
        raise AuthenticationError("the account is disabled")
    token.last_used_at = now
    return user, token.scope
