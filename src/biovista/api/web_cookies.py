"""Writes the web's login cookies onto the answer of a cookie-authenticated API route.

When :func:`biovista.api.deps.get_cookie_principal` had to spend the refresh cookie, the
browser must receive the new pair whatever the route answers: a 409 or 422 from the route
as much as a 200, or the next request presents the spent cookie and, after the grace
window, ends the login. A dependency cannot touch an error answer built by an exception
handler, so this pure ASGI middleware adds the ``Set-Cookie`` headers as the answer starts.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from biovista.api.deps import COOKIE_CHANGES
from biovista.services.accounts.cookies import CookieCaller, set_cookie_headers


class WebCookies:
    """Add the cookie changes a request's caller lookup decided to its answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_cookies(message: Message) -> None:
            found = scope.get("state", {}).get(COOKIE_CHANGES)
            if message["type"] == "http.response.start" and isinstance(found, CookieCaller):
                secure = scope.get("scheme") == "https"
                added = [
                    (b"set-cookie", header.encode("latin-1"))
                    for header in set_cookie_headers(found.issued, found.clear, secure)
                ]
                message["headers"] = [*message.get("headers", []), *added]
            await send(message)

        await self.app(scope, receive, send_with_cookies)
