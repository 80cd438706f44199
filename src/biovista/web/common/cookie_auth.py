"""The browser session of the web apps, in Flask: the caller of each request and the cookie
changes written on its response.

Which cookies, their attributes, and how an expired access token is refreshed live in
:mod:`biovista.services.accounts.cookies`, shared with the API's cookie-authenticated
routes; this module keeps the Flask side (``flask.g`` per request, ``after_request``).

A page fires its callbacks in parallel, so several requests arrive with the same expired
access cookie and the same refresh cookie. The first spends it; the others, within the
grace window (``refresh_grace_seconds``), receive the same successor, so every response
sets the same cookies and the login survives.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import flask
from sqlalchemy.orm import Session

from biovista.auth.keys import KeyRing
from biovista.auth.policy import LOCAL_ADMIN, Principal
from biovista.auth.ratelimit import LoginLimiter
from biovista.config import Settings
from biovista.db.models import User
from biovista.db.session import session_scope
from biovista.errors import NotFoundError
from biovista.services.accounts import logins as sessions
from biovista.services.accounts.cookies import (
    ACCESS_COOKIE,
    REFRESH_COOKIE,
    caller_from_cookies,
    set_cookie_headers,
)
from biovista.services.accounts.logins import IssuedTokens

if TYPE_CHECKING:
    from biovista.runtime import Runtime
    from biovista.tasks import TaskRunner


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
    found = caller_from_cookies(
        context.settings,
        context.keyring,
        flask.request.cookies.get(ACCESS_COOKIE),
        flask.request.cookies.get(REFRESH_COOKIE),
    )
    if found.issued is not None:
        flask.g.issued = found.issued
    if found.clear:
        flask.g.clear_cookies = True
    return found.principal


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
        for header in set_cookie_headers(issued, bool(flask.g.get("clear_cookies")), secure):
            response.headers.add("Set-Cookie", header)
        return response


def user_label(context: WebContext, principal: Principal) -> str:
    """The e-mail shown in the header."""
    with session_scope(context.settings.resolved_database_url) as session:
        user = session.get(User, principal.user_id)
        return user.email if user else "unknown user"
