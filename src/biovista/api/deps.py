"""What routes depend on, as named types: settings, the process's runtime, a database
session, the caller.

The caller is either an API client (``Authorization: Bearer``, :data:`CurrentUser`) or, on
routes the web pages' own scripts call, also a browser signed in through the web's
cookies (:data:`CurrentUserOrBrowser`). A cookie arrives with any request the browser
sends, forged ones included, so a cookie caller is accepted only from our own pages: the
request carries :data:`WEB_HEADER` (a form cannot add a header, and a script of another
origin cannot without a CORS preflight, which this server never grants) and, when the
browser names the page's origin (``Origin``, else ``Referer``), it is this server's.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from biovista.auth.keys import KeyRing
from biovista.auth.policy import LOCAL_ADMIN, ForbiddenError, Principal
from biovista.auth.ratelimit import LoginLimiter
from biovista.auth.tokens import AuthenticationError
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.runtime import Runtime
from biovista.services.accounts import logins as sessions
from biovista.services.accounts.cookies import ACCESS_COOKIE, REFRESH_COOKIE, caller_from_cookies

WEB_HEADER = "X-Biovista-Web"
"""Sent (value ``1``) by the web pages' scripts on every cookie-authenticated API call."""
COOKIE_CHANGES = "web_cookies"
"""Where, in the request's ASGI state, the cookies to set on the answer wait
(:mod:`biovista.api.web_cookies` writes them, on error answers too)."""


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(settings: Annotated[Settings, Depends(get_settings_dep)]) -> Iterator[Session]:
    """The request's session: committed when the route function returns, before its answer
    is sent (the ``function`` scope of ``SessionDep``), so a client never sees a success
    whose writes are not durable yet, and the connection is free while the answer travels.
    It is :func:`session_scope`'s unit of work: a :class:`RecordedFailure` is committed too
    (the failure it reports was written), any other error rolls back."""
    with session_scope(settings.resolved_database_url) as session:
        yield session


def get_runtime(request: Request) -> Runtime:
    """The app's runtime (``create_app`` built it): caches, pools, task handlers."""
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_keyring(request: Request) -> KeyRing:
    ring: KeyRing = request.app.state.keyring
    return ring


def get_limiter(request: Request) -> LoginLimiter:
    limiter: LoginLimiter = request.app.state.limiter
    return limiter


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
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


def get_cookie_principal(request: Request, settings: SettingsDep, ring: KeyRingDep) -> Principal:
    """The caller signed in through the web's cookies, from one of our own pages.

    An expired access cookie is refreshed as the pages do; the new pair (or, for an ended
    login, the deletion) is left in the request state for the answer to carry."""
    if settings.single_user:
        return LOCAL_ADMIN
    access, refresh = request.cookies.get(ACCESS_COOKIE), request.cookies.get(REFRESH_COOKIE)
    if not access and not refresh:
        raise AuthenticationError(
            "log in first: send 'Authorization: Bearer <token>', or sign in on the web pages"
        )
    _same_origin(request)
    found = caller_from_cookies(settings, ring, access, refresh)
    if found.issued is not None or found.clear:
        setattr(request.state, COOKIE_CHANGES, found)
    if found.principal is None:
        raise AuthenticationError("your session has ended; sign in again")
    return found.principal


def _same_origin(request: Request) -> None:
    """Refuse a cookie request that our own pages' scripts did not send."""
    if request.headers.get(WEB_HEADER) != "1":
        raise ForbiddenError(f"a signed-in browser's request must carry {WEB_HEADER}: 1")
    named = request.headers.get("origin") or request.headers.get("referer")
    if named is None:  # browsers name the origin of every POST, PUT and DELETE they send
        return
    # The Host the browser addressed, or the one a reverse proxy that rewrites it forwards
    # (a page cannot set X-Forwarded-Host on a cross-origin request without a preflight).
    hosts = {request.headers.get("host", "").lower()}
    hosts.add(request.headers.get("x-forwarded-host", "").split(",")[0].strip().lower())
    if named == "null" or urlsplit(named).netloc.lower() not in hosts - {""}:
        raise ForbiddenError(f"cross-origin request refused (it came from {named!r})")


def get_principal_or_browser(
    request: Request, settings: SettingsDep, session: SessionDep, ring: KeyRingDep
) -> Principal:
    """A bearer token when the request sends one, else the web's cookies."""
    if settings.single_user or "authorization" in request.headers:
        return get_principal(request, settings, session, ring)
    return get_cookie_principal(request, settings, ring)


CookieUser = Annotated[Principal, Depends(get_cookie_principal)]
CurrentUserOrBrowser = Annotated[Principal, Depends(get_principal_or_browser)]
