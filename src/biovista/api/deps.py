"""What routes depend on, as named types: settings, a database session, the caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from biovista.auth.keys import KeyRing
from biovista.auth.policy import LOCAL_ADMIN, Principal
from biovista.auth.ratelimit import LoginLimiter
from biovista.auth.tokens import AuthenticationError
from biovista.config import Settings
from biovista.db.session import RecordedFailure, open_session
from biovista.services.accounts import logins as sessions


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(settings: Annotated[Settings, Depends(get_settings_dep)]) -> Iterator[Session]:
    """The request's session: committed when the route function returns, before its answer
    is sent (the ``function`` scope of ``SessionDep``), so a client never sees a success
    whose writes are not durable yet, and the connection is free while the answer travels.
    A :class:`RecordedFailure` is committed too: the failure it reports was written."""
    with open_session(settings.resolved_database_url) as session:
        try:
            yield session
        except RecordedFailure:
            session.commit()
            raise
        session.commit()


def get_keyring(request: Request) -> KeyRing:
    ring: KeyRing = request.app.state.keyring
    return ring


def get_limiter(request: Request) -> LoginLimiter:
    limiter: LoginLimiter = request.app.state.limiter
    return limiter


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
KeyRingDep = Annotated[KeyRing, Depends(get_keyring)]
LimiterDep = Annotated[LoginLimiter, Depends(get_limiter)]


def get_principal(
    request: Request, settings: SettingsDep, session: SessionDep, ring: KeyRingDep
) -> Principal:
    """The caller from ``Authorization: Bearer`` (an access JWT or a ``bv_`` API token)."""
    if settings.single_user:
        return LOCAL_ADMIN
    header = request.headers.get("authorization", "")
    scheme, _, credential = header.partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        raise AuthenticationError("log in first: send 'Authorization: Bearer <token>'")
    principal = sessions.principal_for(session, ring, credential.strip())
    # End the lookup's transaction: its connection goes back to the pool, so the route does
    # not hold one while it waits for a thread or opens a session of its own.
    session.commit()
    return principal


CurrentUser = Annotated[Principal, Depends(get_principal)]
