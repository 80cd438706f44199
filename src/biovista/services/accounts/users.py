"""User accounts: create, list, change role, disable; every rule about them lives here."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from biovista.auth.passwords import hash_password, password_problem
from biovista.db.models import RefreshToken, User
from biovista.errors import ConflictError, InvalidInputError, NotFoundError, Problem

ROLES = ("admin", "user")
BLANK = r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_PART = f"[^@{BLANK}]+"
EMAIL = re.compile(f"^{_PART}@{_PART}\\.{_PART}$")
"""An address without blanks or control characters, spelled out rather than ``\\s`` so
that the API's JSON Schema (ECMA regex) and this check agree on every character."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(
    session: Session, email: str, password: str, role: str = "user", display_name: str = ""
) -> User:
    """A new account; the password is checked and only its argon2 hash is kept."""
    address = normalise_email(email)
    problems = []
    if not EMAIL.match(address):
        problems.append(Problem(f"{email!r} is not an e-mail address", where="email"))
    if (reason := password_problem(password)) is not None:
        problems.append(Problem(reason, where="password"))
    if role not in ROLES:
        problems.append(Problem(f"unknown role {role!r}; roles: {', '.join(ROLES)}", "role"))
    if problems:
        raise InvalidInputError("cannot create the user", problems)
    if session.scalar(select(User).where(User.email == address)) is not None:
        raise ConflictError(f"a user with e-mail {address} already exists")
    user = User(
        email=address,
        password_hash=hash_password(password),
        role=role,
        display_name=display_name,
    )
    session.add(user)
    session.flush()
    return user


def get_user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFoundError(f"no user with e-mail {normalise_email(email)}")
    return user


def get_user(session: Session, user_id: uuid.UUID) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no user {user_id}")
    return user


def list_users(session: Session, after: str | None = None, limit: int | None = None) -> list[User]:
    """Accounts by e-mail (those after ``after``, at most ``limit``)."""
    query = select(User).order_by(User.email).limit(limit)
    if after is not None:
        query = query.where(User.email > after)
    return list(session.scalars(query))


def count_users(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def set_role(session: Session, email: str, role: str) -> User:
    if role not in ROLES:
        raise InvalidInputError(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    user = get_user_by_email(session, email)
    if user.role == "admin" and role != "admin":
        _keep_one_admin(session, user)
    user.role = role
    return user


def disable_user(session: Session, email: str) -> User:
    """Disable an account and end all its sessions at once."""
    user = get_user_by_email(session, email)
    if user.role == "admin":
        _keep_one_admin(session, user)
    user.disabled = True
    now = datetime.now(UTC)
    for token in session.scalars(
        select(RefreshToken).where(
            RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None)
        )
    ):
        token.revoked_at = now
    return user


def _keep_one_admin(session: Session, leaving: User) -> None:
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", User.disabled.is_(False), User.id != leaving.id)
    )
    if not others:
        raise InvalidInputError(f"{leaving.email} is the last active admin; make another first")
