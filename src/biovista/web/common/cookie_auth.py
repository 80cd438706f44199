"""The browser session of the web apps: the API's tokens, kept in HttpOnly cookies.

A page sends no Authorization header, so the access JWT (15 minutes) and the rotating
refresh token live in cookies the page's scripts cannot read (HttpOnly, SameSite=Lax).
When the access token has expired, the next request spends the refresh token for a new
pair, exactly as ``POST /api/v1/auth/refresh`` does, reuse detection included.

A page fires its callbacks in parallel, so several requests arrive with the same expired
access cookie and the same refresh cookie. The first spends it; the others, within the
grace window (``refresh_grace_seconds``), receive the same successor, so every response
sets the same cookies and the login survives.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import flask
from sqlalchemy.orm import Session

from biovista.auth.keys import KeyRing
from biovista.auth.policy import LOCAL_ADMIN, Principal
from biovista.auth.ratelimit import LoginLimiter
from biovista.auth.tokens import AuthenticationError
from biovista.config import Settings
from biovista.db.models import User
from biovista.db.session import session_scope
from biovista.errors import NotFoundError
from biovista.services.accounts import logins as sessions
from biovista.services.accounts.logins import REFRESH_TTL, IssuedTokens

if TYPE_CHECKING:
    from biovista.runtime import Runtime
    from biovista.tasks import TaskRunner

ACCESS_COOKIE = "biovista_access"
REFRESH_COOKIE = "biovista_session"


@dataclass(frozen=True)
class WebContext:
    """What every web app shares with the API process: settings, signing keys, limiter,
    and the process's runtime (its caches and pools; pages that launch workflows queue on
    the API's own task runner)."""

    settings: Settings
    keyring: KeyRing
    limiter: LoginLimiter
    runtime: Runtime

    @property
    def tasks(self) -> TaskRunner:
        return self.runtime.tasks


def current_principal(context: WebContext) -> Principal | None:
    """The logged-in caller of this request, or None (anonymous)."""
    if context.settings.single_user:
        return LOCAL_ADMIN
    cached = flask.g.get("principal", False)
    if cached is not False:
        return cached  # type: ignore[no-any-return]
    principal = _from_cookies(context)
    flask.g.principal = principal
    return principal


@contextmanager
def signed_in(context: WebContext) -> Iterator[tuple[Session, Principal]]:
    """A database session and the caller, for a callback that acts for a signed-in user.

    A session that ended in another tab raises NotFoundError: the page shows it as text."""
    principal = current_principal(context)
    if principal is None:
        raise NotFoundError("your session has ended; sign in again")
    with session_scope(context.settings.resolved_database_url) as session:
        yield session, principal


def _from_cookies(context: WebContext) -> Principal | None:
    url = context.settings.resolved_database_url
    access = flask.request.cookies.get(ACCESS_COOKIE)
    if access:
        try:
            with session_scope(url) as session:
                return sessions.principal_for(session, context.keyring, access)
        except AuthenticationError:
            pass  # expired: try the refresh token below
    presented = flask.request.cookies.get(REFRESH_COOKIE)
    if not presented:
        return None
    try:
        with session_scope(url) as session:
            issued = sessions.refresh(
                session, context.keyring, presented, context.settings.refresh_grace_seconds
            )
        with session_scope(url) as session:
            principal = sessions.principal_for(session, context.keyring, issued.access_token)
    except AuthenticationError:
        flask.g.clear_cookies = True
        return None
    flask.g.issued = issued
    return principal


def log_in(context: WebContext, email: str, password: str) -> None:
    """Check the password (rate-limited) and set the session cookies on this response."""
    address = flask.request.remote_addr or "unknown"
    with session_scope(context.settings.resolved_database_url) as session:
        issued = sessions.login(session, context.keyring, context.limiter, email, password, address)
    flask.g.issued = issued


def log_out(context: WebContext) -> None:
    presented = flask.request.cookies.get(REFRESH_COOKIE)
    if presented:
        with session_scope(context.settings.resolved_database_url) as session:
            sessions.logout(session, presented)
    flask.g.clear_cookies = True


def install(server: flask.Flask) -> None:
    """Write cookie changes decided during the request onto its response."""

    @server.after_request
    def _write_cookies(response: flask.Response) -> flask.Response:
        issued: IssuedTokens | None = flask.g.get("issued")
        secure = flask.request.scheme == "https"
        if issued is not None:
            _set(response, ACCESS_COOKIE, issued.access_token, 15 * 60, secure)
            _set(
                response,
                REFRESH_COOKIE,
                issued.refresh_token,
                int(REFRESH_TTL.total_seconds()),
                secure,
            )
        elif flask.g.get("clear_cookies"):
            response.delete_cookie(ACCESS_COOKIE, path="/")
            response.delete_cookie(REFRESH_COOKIE, path="/")
        return response


def _set(response: Any, name: str, value: str, max_age: int, secure: bool) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="Lax", secure=secure
    )


def user_label(context: WebContext, principal: Principal) -> str:
    """The e-mail shown in the header."""
    with session_scope(context.settings.resolved_database_url) as session:
        user = session.get(User, principal.user_id)
        return user.email if user else "unknown user"
