"""Response headers this server sets for safety: ``Content-Disposition`` for every download,
and the security headers every response carries (a pure ASGI middleware, so streamed and
file responses get them too, and the Dash apps mounted below FastAPI as well).

File names come from users (dashboard titles, uploaded file names): written into a header
as they are, a non-latin-1 character made the server answer 500 and a CR/LF broke the
response. :func:`attachment` writes them per RFC 6266 / RFC 5987 instead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Scripts come from this origin only, plus the few inline scripts the Dash apps write (the
# renderer's start and client-side callbacks), allowed one by one by their hash: an injected
# ``<script>`` or event handler does not run. Dash's config block is JSON, not run, and needs
# nothing. No ``'unsafe-eval'``: the Dash renderer and plotly.js (WebGL traces too) run
# without eval. Styles may be inline (plotly.js and Mantine set them as they draw). No other
# site's script, no plugin, no <base> rewrite, no form posting away, no framing.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'{hashes}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Share links carry their token in the path: a link followed from a shared dashboard (a
# text component's anchor) must not hand that path to another site. ``same-origin`` sends
# other sites nothing at all (not even this server's host name, which
# ``strict-origin-when-cross-origin`` would), and unlike ``no-referrer`` it leaves the
# ``Origin`` of this site's own POSTs intact, which cross-site request checks rely on.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")

_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/]')


def attachment(filename: str, fallback: str = "download") -> str:
    """``attachment; filename="<ASCII>"; filename*=UTF-8''<percent-encoded UTF-8>``.

    The ASCII part is for old clients: accents are folded (``é`` → ``e``), anything else
    outside printable ASCII, quotes, backslashes, path separators and control characters
    become ``_``. The ``filename*`` part keeps the name as the user wrote it, less control
    characters and path separators, so no client ever sees a path or a header break.
    """
    cleaned = "".join("_" if _UNSAFE.match(c) else c for c in filename).strip(" .") or fallback
    ascii_name = "".join(_ascii(c) for c in cleaned).strip(" .")
    stem, dot, extension = ascii_name.rpartition(".") if "." in ascii_name else (ascii_name, "", "")
    if not any(c.isalnum() for c in stem):  # nothing latin left to read: a plain name
        ascii_name = fallback + dot + extension
    encoded = quote(cleaned, safe="")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{encoded}"


def _ascii(character: str) -> str:
    """The printable ASCII a character folds to (``é`` → ``e``), else ``_``."""
    if " " <= character <= "~":
        return character
    base = unicodedata.normalize("NFKD", character).encode("ascii", "ignore").decode("ascii")
    return base if base and base.isprintable() else "_"


class SecurityHeaders:
    """Adds :data:`CONTENT_SECURITY_POLICY`, :data:`SECURITY_HEADERS` and, for requests that
    arrived over HTTPS, HSTS to every HTTP response. A header the application already set
    (the image route's stricter CSP, say) is kept as it is.

    HTTPS is the request's scheme: behind a proxy that terminates TLS, run the server with
    uvicorn's ``--proxy-headers`` / ``forwarded_allow_ips`` so ``X-Forwarded-Proto`` sets it.
    HSTS over plain HTTP would be ignored by browsers and would lie about the deployment.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._hashes: tuple[str, ...] = ()
        self._encoded: bytes | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [(b"content-security-policy", self._policy(scope)), *SECURITY_HEADERS]
        if scope.get("scheme") == "https":
            extra.append(HSTS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                message["headers"] = headers + list(_missing(extra, headers))
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _policy(self, scope: Scope) -> bytes:
        """The policy with the hashes the web apps published on the application's state
        (``script_hashes``, set when they are mounted; none for the API alone)."""
        state = getattr(scope.get("app"), "state", None)
        hashes = tuple(getattr(state, "script_hashes", ()))
        if hashes != self._hashes or self._encoded is None:
            self._hashes, self._encoded = hashes, content_security_policy(hashes).encode()
        return self._encoded


def content_security_policy(script_hashes: Iterable[str] = ()) -> str:
    """The policy, allowing the inline scripts whose CSP hashes (``'sha256-…'``) are given."""
    return CONTENT_SECURITY_POLICY.format(hashes="".join(f" {h}" for h in script_hashes))


def _missing(
    wanted: Iterable[tuple[bytes, bytes]], present: list[tuple[bytes, bytes]]
) -> Iterable[tuple[bytes, bytes]]:
    names = {name.lower() for name, _ in present}
    return (header for header in wanted if header[0] not in names)
