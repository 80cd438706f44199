"""The browser's login: the API's tokens kept in two HttpOnly cookies, framework-neutral.

A page sends no Authorization header, so the access JWT (15 minutes) and the rotating
refresh token live in cookies the page's scripts cannot read (``HttpOnly``,
``SameSite=Lax``, path ``/``, ``Secure`` over HTTPS). When the access token has expired,
the request spends the refresh token for a new pair, exactly as
``POST /api/v1/auth/refresh`` does, reuse detection and grace window included.

The web apps (Flask) and the API's cookie-authenticated routes (FastAPI) both resolve the
caller here and write the cookies this module says, so the two cannot drift apart: what
one sets, the other reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from http.cookies import SimpleCookie

from biovista.auth.keys import KeyRing
from biovista.auth.policy import Principal
from biovista.auth.tokens import AuthenticationError
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.accounts import logins
from biovista.services.accounts.logins import REFRESH_TTL, IssuedTokens

ACCESS_COOKIE = "biovista_access"
REFRESH_COOKIE = "biovista_session"
ACCESS_MAX_AGE = 15 * 60
SAME_SITE = "Lax"
"""Lax, not Strict: a link followed from another site (a shared dashboard in an e-mail)
must arrive signed in. Cross-site POSTs carry neither cookie; same-site ones from another
origin are refused by the API's same-origin check."""


@dataclass(frozen=True)
class CookieCaller:
    """Who the cookies name, and what the response must do to the cookies."""

    principal: Principal | None
    issued: IssuedTokens | None = None
    """A new pair to set: the access token had expired and the refresh token was spent."""
    clear: bool = False
    """The refresh token was refused (ended, reused): delete both cookies."""


def caller_from_cookies(
    settings: Settings, keyring: KeyRing, access: str | None, refresh: str | None
) -> CookieCaller:
    """The caller of the cookie values ``access`` and ``refresh`` (None when absent)."""
    url = settings.resolved_database_url
    if access:
        try:
            with session_scope(url) as session:
                return CookieCaller(logins.principal_for(session, keyring, access))
        except AuthenticationError:
            pass  # expired: try the refresh token below
    if not refresh:
        return CookieCaller(None)
    try:
        with session_scope(url) as session:
            issued = logins.refresh(session, keyring, refresh, settings.refresh_grace_seconds)
        with session_scope(url) as session:
            principal = logins.principal_for(session, keyring, issued.access_token)
    except AuthenticationError:
        return CookieCaller(None, clear=True)
    return CookieCaller(principal, issued=issued)


def set_cookie_headers(issued: IssuedTokens | None, clear: bool, secure: bool) -> list[str]:
    """The ``Set-Cookie`` values that store ``issued``, or delete both cookies (``clear``)."""
    jar: SimpleCookie = SimpleCookie()
    if issued is not None:
        pairs = [
            (ACCESS_COOKIE, issued.access_token, ACCESS_MAX_AGE),
            (REFRESH_COOKIE, issued.refresh_token, int(REFRESH_TTL.total_seconds())),
        ]
    elif clear:
        pairs = [(ACCESS_COOKIE, "", 0), (REFRESH_COOKIE, "", 0)]
    else:
        return []
    for name, value, max_age in pairs:
        jar[name] = value
        morsel = jar[name]
        morsel.update({"max-age": str(max_age), "path": "/", "samesite": SAME_SITE})
        morsel["httponly"] = "1"  # a flag: any true value writes it
        if max_age == 0:
            morsel["expires"] = "Thu, 01 Jan 1970 00:00:00 GMT"
        if secure:
            morsel["secure"] = "1"
    return [jar[name].OutputString() for name, _, _ in pairs]
