"""Access tokens: short-lived JWTs signed with the active Ed25519 key."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from biovista.auth.keys import KeyRing
from biovista.errors import AuthenticationError as AuthenticationError

ISSUER = "biovista"
AUDIENCE = "biovista"
ACCESS_TTL = timedelta(minutes=15)


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    role: str
    scope: str
    expires_at: datetime


def issue_access_token(
    ring: KeyRing, user_id: uuid.UUID, role: str, scope: str = "admin", ttl: timedelta = ACCESS_TTL
) -> tuple[str, datetime]:
    """A signed token and when it expires."""
    key = ring.active()
    now = datetime.now(UTC)
    expires = now + ttl
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(user_id),
        "iat": now,
        "nbf": now,
        "exp": expires,
        "jti": uuid.uuid4().hex,
        "role": role,
        "scope": scope,
    }
    token = jwt.encode(claims, key.private, algorithm="EdDSA", headers={"kid": key.kid})
    return token, expires


def verify_access_token(ring: KeyRing, token: str) -> AccessClaims:
    """Check signature, issuer, audience and expiry; raise AuthenticationError otherwise."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        raise AuthenticationError("the access token is malformed") from None
    key = ring.find(str(kid)) if kid else None
    if key is None:
        raise AuthenticationError("the access token was signed by an unknown key")
    try:
        claims = jwt.decode(
            token,
            key.public,
            algorithms=["EdDSA"],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "sub", "iat"]},
        )
    except jwt.ExpiredSignatureError:
        raise AuthenticationError("the access token has expired; refresh it") from None
    except jwt.PyJWTError as exc:
        raise AuthenticationError(f"the access token is invalid: {exc}") from None
    return AccessClaims(
        user_id=uuid.UUID(claims["sub"]),
        role=str(claims.get("role", "user")),
        scope=str(claims.get("scope", "read")),
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
    )
