"""Logins: access tokens (15 min JWTs) and rotating refresh tokens with theft detection.

A refresh token is used once: refreshing spends it and returns its successor in the same
family. Presenting a spent token means it was copied, so the whole family is revoked and
both the thief and the user must log in again.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from biovista.auth.keys import KeyRing
from biovista.auth.passwords import dummy_hash, token_digest, verify_password
from biovista.auth.policy import Principal
from biovista.auth.ratelimit import LoginLimiter
from biovista.auth.tokens import AuthenticationError, issue_access_token, verify_access_token
from biovista.db.models import RefreshToken, User, as_utc
from biovista.errors import BiovistaError
from biovista.services.api_tokens import TOKEN_PREFIX, authenticate_token
from biovista.services.users import normalise_email

REFRESH_TTL = timedelta(days=14)


class TooManyAttemptsError(BiovistaError):
    """Login refused for a while after repeated failures (HTTP 429)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"too many failed logins; try again in {int(retry_after) + 1} s")
        self.retry_after = int(retry_after) + 1


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime
    user_id: uuid.UUID


def login(
    session: Session,
    ring: KeyRing,
    limiter: LoginLimiter,
    email: str,
    password: str,
    address: str,
) -> IssuedTokens:
    account = normalise_email(email)
    wait = limiter.retry_after(account, address)
    if wait > 0:
        raise TooManyAttemptsError(wait)
    user = session.scalar(select(User).where(User.email == account))
    valid = verify_password(password, user.password_hash if user else dummy_hash())
    if user is None or not valid or user.disabled:
        limiter.failed(account, address)
        raise AuthenticationError("wrong e-mail or password, or the account is disabled")
    limiter.succeeded(account)
    user.last_login_at = datetime.now(UTC)
    return _issue(session, ring, user, family_id=uuid.uuid4())


def refresh(session: Session, ring: KeyRing, presented: str) -> IssuedTokens:
    """Spend ``presented`` and return its successor; a reused token revokes its family."""
    record = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == token_digest(presented))
    )
    now = datetime.now(UTC)
    if record is None:
        raise AuthenticationError("unknown refresh token; log in again")
    if record.used_at is not None or record.revoked_at is not None:
        _revoke_family(session, record.family_id, now)
        # Commit before refusing: the error below rolls the request's transaction back,
        # and the revocation must outlive it.
        session.commit()
        raise AuthenticationError(
            "this refresh token was already used; every session of "
            "this login is now closed, log in again"
        )
    if as_utc(record.expires_at) <= now:
        raise AuthenticationError("the refresh token has expired; log in again")
    user = session.get_one(User, record.user_id)
    if user.disabled:
        raise AuthenticationError("the account is disabled")
    record.used_at = now
    return _issue(session, ring, user, family_id=record.family_id)


def logout(session: Session, presented: str) -> None:
    """End the login the token belongs to (all its tokens); unknown tokens are ignored."""
    record = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == token_digest(presented))
    )
    if record is not None:
        _revoke_family(session, record.family_id, datetime.now(UTC))


def _issue(session: Session, ring: KeyRing, user: User, family_id: uuid.UUID) -> IssuedTokens:
    access, access_expires = issue_access_token(ring, user.id, user.role)
    secret = secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + REFRESH_TTL
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id,
            token_hash=token_digest(secret),
            expires_at=expires,
        )
    )
    session.flush()
    return IssuedTokens(access, access_expires, secret, expires, user.id)


def _revoke_family(session: Session, family_id: uuid.UUID, now: datetime) -> None:
    session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def principal_for(session: Session, ring: KeyRing, credential: str) -> Principal:
    """Who presents ``credential``: an access JWT or a ``bv_`` personal API token."""
    if credential.startswith(TOKEN_PREFIX):
        owner, scope = authenticate_token(session, credential)
        return Principal(owner.id, owner.role, scope)
    claims = verify_access_token(ring, credential)
    user = session.get(User, claims.user_id)
    if user is None or user.disabled:
        raise AuthenticationError("the account is disabled or no longer exists")
    return Principal(user.id, user.role, claims.scope)
