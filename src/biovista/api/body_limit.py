"""One size limit for request bodies, enforced before the application reads them.

The JSON, YAML, CSV and Dash routes parse their whole body in memory, so an unbounded body
is an unbounded allocation (300 MB sent to a Dash callback grew the server by gigabytes).
Here a body larger than ``max_body_bytes`` is refused with 413 and a problem document:
at once when ``Content-Length`` announces it, and as soon as the count passes the limit
when it arrives chunked. A body within the limit is read here and handed to the
application unchanged, so no route can read more than the limit whatever it does.

The upload routes stream their bodies to disk and keep their own limits (a file upload's
size cap, an upload session's declared size); they are listed in ``STREAMED``.
"""

from __future__ import annotations

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from biovista.api.problems import problem

STREAMED = (
    ("PUT", re.compile(r"/api/v1/projects/[^/]+/uploads/.+")),
    ("PUT", re.compile(r"/api/v1/projects/[^/]+/upload-sessions/[^/]+")),
)
"""Routes whose body goes to disk as it arrives (method, full path)."""


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413 (upload routes excepted)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _streamed(scope):
            await self.app(scope, receive, send)
            return
        announced = _content_length(scope)
        if announced is not None and announced > self.limit:
            await self._refuse(scope, receive, send, f"announces {announced:,} bytes")
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, receive, send, "is longer")
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, what: str) -> None:
        detail = (
            f"the request body {what} than the {self.limit:,} bytes this server accepts "
            "(BIOVISTA_MAX_BODY_BYTES); send files through the upload routes instead"
        )
        refused = problem(413, "Content Too Large", detail)
        refused.headers["connection"] = "close"  # the rest of the body is never read
        await refused(scope, receive, send)


def _streamed(scope: Scope) -> bool:
    method, path = scope["method"], scope["path"]
    return any(method == m and pattern.fullmatch(path) for m, pattern in STREAMED)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, as one message; then the client's own messages (a
    disconnect), for routes that watch for one."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
