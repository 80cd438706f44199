"""The first start of an empty server: an admin from settings, or a one-time setup token.

biovista never ships a default password. With BIOVISTA_ADMIN_EMAIL and
BIOVISTA_ADMIN_PASSWORD set, that admin is created; otherwise the server prints a setup
token that creates the first admin once, through the API.
"""

from __future__ import annotations

import secrets

from biovista.auth.policy import ForbiddenError
from biovista.config import Settings
from biovista.db.models import User
from biovista.db.session import session_scope
from biovista.services.accounts.users import count_users, create_user


def first_start(settings: Settings) -> str | None:
    """Create the configured admin if there are no users; else a setup token if needed."""
    with session_scope(settings.resolved_database_url) as session:
        if settings.single_user or count_users(session) > 0:
            return None
        if settings.admin_email and settings.admin_password:
            create_user(
                session,
                settings.admin_email,
                settings.admin_password.get_secret_value(),
                role="admin",
            )
            return None
    return secrets.token_urlsafe(24)


def complete_setup(
    settings: Settings, expected: str | None, presented: str, email: str, password: str
) -> User:
    """Create the first admin with the setup token; refused once any user exists."""
    if expected is None or not secrets.compare_digest(_raw(expected), _raw(presented)):
        raise ForbiddenError("the setup token is wrong, or setup is already done")
    with session_scope(settings.resolved_database_url) as session:
        if count_users(session) > 0:
            raise ForbiddenError("setup is already done; log in instead")
        return create_user(session, email, password, role="admin")


def _raw(text: str) -> bytes:
    """Bytes for a constant-time comparison; JSON may carry lone surrogates."""
    return text.encode("utf-8", "surrogatepass")
