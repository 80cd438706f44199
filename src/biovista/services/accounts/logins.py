"""Logins: access tokens (15 min JWTs) and rotating refresh tokens with theft detection.

A refresh token is used once: refreshing spends it and returns its successor in the same
family. Spending is one conditional UPDATE (``used_at IS NULL``), so of several parallel
refreshes with one token exactly one spends it, on SQLite and PostgreSQL alike.

A page fires its callbacks in parallel, and each may carry the same just-spent token. For
``grace_seconds`` after the spend, presenting it again returns the *same* successor: its
secret is derived from the presented secret (HMAC keyed with it, over the token's id), so
only whoever holds the spent token can compute it, and nothing secret is stored in clear.
After the grace window, presenting a spent token means it was copied, so the whole family
is revoked and both the thief and the user must log in again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from biovista.auth.keys import KeyRing
from biovista.auth.passwords import dummy_hash, token_digest, verify_password
from biovista.auth.policy import Principal
from biovista.auth.ratelimit import LoginLimiter
from biovista.auth.tokens import AuthenticationError, issue_access_token, verify_access_token
from biovista.db.models import RefreshToken, User, as_utc
from biovista.db.session import RecordedFailure
from biovista.errors import BiovistaError
from biovista.services.accounts.api_tokens import TOKEN_PREFIX, authenticate_token
from biovista.services.accounts.users import normalise_email

REFRESH_TTL = timedelta(days=14)
REFRESH_GRACE_SECONDS = 30.0
"""How long a just-spent refresh token still returns its successor (setting
``refresh_grace_seconds``)."""
_SUCCESSOR_LABEL = b"biovista refresh successor v1:"


class RefreshReusedError(AuthenticationError, RecordedFailure):
    """A spent refresh token presented again, outside the grace window: its whole family is
    revoked, and the caller's unit of work commits that revocation although it refuses."""


class TooManyAttemptsError(BiovistaError):
    """Login refused for a while after repeated failures (HTTP 429)."""

    status = 429

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
    limiter.succeeded(account, address)
    user.last_login_at = datetime.now(UTC)
    issued = _issue(session, ring, user, uuid.uuid4(), secrets.token_urlsafe(32))
    # Commit before answering: a client that refreshes at once must find its token.
    session.commit()
    return issued


def refresh(
    session: Session,
    ring: KeyRing,
    presented: str,
    grace_seconds: float = REFRESH_GRACE_SECONDS,
) -> IssuedTokens:
    """Spend ``presented`` and return its successor.

    Within ``grace_seconds`` of its spend a token returns the same successor again; later,
    or once its family is revoked, reuse revokes the family."""
    record = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == token_digest(presented))
    )
    if record is None:
        raise AuthenticationError("unknown refresh token; log in again")
    now = datetime.now(UTC)
    if record.used_at is None and record.revoked_at is None:
        if as_utc(record.expires_at) <= now:
            raise AuthenticationError("the refresh token has expired; log in again")
        user = _active_user(session, record.user_id)
        if _spend(session, record.id, now):
            issued = _issue(
                session, ring, user, record.family_id, _successor_secret(presented, record.id)
            )
            session.commit()  # before answering: the successor must exist for the next call
            return issued
        session.refresh(record)  # a parallel request spent it first: judge it as a reuse
    return _reused(session, ring, record, presented, grace_seconds)


def _spend(session: Session, token_id: uuid.UUID, now: datetime) -> bool:
    """Mark the token used unless something else did first; True when this call did."""
    result = session.execute(
        update(RefreshToken)
        .where(
            RefreshToken.id == token_id,
            RefreshToken.used_at.is_(None),
            RefreshToken.revoked_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount == 1


def _reused(
    session: Session,
    ring: KeyRing,
    record: RefreshToken,
    presented: str,
    grace_seconds: float,
) -> IssuedTokens:
    """A spent or revoked token: its successor again within the grace window, else theft."""
    now = datetime.now(UTC)  # not the caller's: a parallel spend may be later than that
    spent = as_utc(record.used_at) if record.used_at is not None else None
    if (
        grace_seconds > 0
        and record.revoked_at is None
        and spent is not None
        and now - spent <= timedelta(seconds=grace_seconds)
    ):
        secret = _successor_secret(presented, record.id)
        successor = session.scalar(
            select(RefreshToken).where(RefreshToken.token_hash == token_digest(secret))
        )
        if successor is not None and successor.revoked_at is None:
            user = _active_user(session, record.user_id)
            access, access_expires = issue_access_token(ring, user.id, user.role)
            return IssuedTokens(
                access, access_expires, secret, as_utc(successor.expires_at), user.id
            )
    _revoke_family(session, record.family_id, now)
    raise RefreshReusedError(
        "this refresh token was already used; every session of "
        "this login is now closed, log in again"
    )


def _active_user(session: Session, user_id: uuid.UUID) -> User:
    user = session.get_one(User, user_id)
    if user.disabled:
        raise AuthenticationError("the account is disabled")
    return user


def _successor_secret(presented: str, token_id: uuid.UUID) -> str:
    """The secret of the token that replaces ``presented``: only its holder can derive it."""
    digest = hmac.new(presented.encode(), _SUCCESSOR_LABEL + token_id.bytes, hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def logout(session: Session, presented: str) -> None:
    """End the login the token belongs to (all its tokens); unknown tokens are ignored."""
    record = session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == token_digest(presented))
    )
    if record is not None:
        _revoke_family(session, record.family_id, datetime.now(UTC))


def _issue(
    session: Session, ring: KeyRing, user: User, family_id: uuid.UUID, secret: str
) -> IssuedTokens:
    access, access_expires = issue_access_token(ring, user.id, user.role)
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
