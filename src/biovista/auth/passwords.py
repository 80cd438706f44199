"""Password hashing with argon2 (pwdlib), the only form in which passwords are kept."""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

MIN_LENGTH = 12


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


def token_digest(secret: str) -> str:
    """Refresh and API tokens are random and long, so a fast hash is enough to store them."""
    return hashlib.sha256(secret.encode()).hexdigest()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return bool(_hasher().verify(password, password_hash))


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if password.strip() != password:
        return "a password cannot start or end with spaces"
    return None


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A real hash to verify against when an account does not exist, so that a login for an
    unknown address takes as long as a wrong password (no account enumeration by timing)."""
    return hash_password(secrets.token_urlsafe(16))
