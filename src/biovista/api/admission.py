"""Admission control: a server process works on a bounded number of requests at once and
answers the rest with a quick 503 instead of letting them starve each other.

Without it, every request that arrives takes a worker thread and then waits for a database
connection or the CPU; under a few hundred parallel requests they all time out together and
the server stays unusable. Here a request takes one of ``max_concurrent_requests`` places
before the application sees it, waits in line (at most ``max_queued_requests`` of them, for
at most ``queue_timeout_seconds``) when none is free, and is otherwise answered 503 with
``Retry-After`` and a problem document. A place is given back as soon as the answer starts,
so a slow download does not hold one. ``/health`` never waits: it is answered even when
every place is taken.

Pure ASGI (no ``BaseHTTPMiddleware``): the waiting costs one coroutine and no thread.
"""

from __future__ import annotations

import asyncio

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from biovista.api.problems import problem
from biovista.config import Settings

EXEMPT = frozenset({"/health"})
"""Paths answered without taking a place: liveness must be seen while the server is busy."""
RETRY_AFTER_SECONDS = 2


class Admission:
    """At most ``limit`` requests inside ``app``; ``queue`` more wait up to ``wait`` seconds."""

    def __init__(
        self, app: ASGIApp, limit: int, queue: int, wait: float, worker_threads: int
    ) -> None:
        self.app = app
        self.limit = limit
        self.queue = queue
        self.wait = wait
        self.worker_threads = worker_threads
        self._places: asyncio.Semaphore | None = None
        self._waiting = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in EXEMPT:
            await self.app(scope, receive, send)
            return
        places = self._semaphore()
        if not await self._enter(places):
            busy = busy_response("the server is busy: too many requests are waiting; retry soon")
            await busy(scope, receive, send)
            return
        released = False

        def release() -> None:
            nonlocal released
            if not released:
                released = True
                places.release()

        async def send_then_release(message: Message) -> None:
            if message["type"] == "http.response.start":
                release()  # the work that needed the place is done; the body may be slow
            await send(message)

        try:
            await self.app(scope, receive, send_then_release)
        finally:
            release()

    def _semaphore(self) -> asyncio.Semaphore:
        """Made on the first request, inside the server's event loop; the thread limiter
        of that loop is sized at the same moment."""
        if self._places is None:
            anyio.to_thread.current_default_thread_limiter().total_tokens = self.worker_threads
            self._places = asyncio.Semaphore(self.limit)
        return self._places

    async def _enter(self, places: asyncio.Semaphore) -> bool:
        """Take a place, waiting in line when there is room in it; False when refused."""
        if not places.locked():
            await places.acquire()
            return True
        if self._waiting >= self.queue:
            return False
        self._waiting += 1
        try:
            await asyncio.wait_for(places.acquire(), self.wait)
        except TimeoutError:
            return False
        finally:
            self._waiting -= 1
        return True


def busy_response(detail: str) -> JSONResponse:
    """A 503 problem document with ``Retry-After``: sent straight to the client by the
    middleware (a response is an ASGI app), and by exception handlers inside the app."""
    response = problem(503, "Service Unavailable", detail)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


async def _pool_timeout(request: Request, exc: Exception) -> JSONResponse:
    return busy_response("the server is busy: no database connection came free in time")


async def _database_locked(request: Request, exc: Exception) -> JSONResponse:
    """SQLite's busy timeout ran out (another writer held the lock): busy, not broken."""
    if "database is locked" in str(exc):
        return busy_response("the server is busy: the database is locked by another writer")
    raise exc


def install(app: FastAPI, settings: Settings) -> None:
    """Admit requests as ``settings`` say, and answer a starved database pool with 503."""
    app.add_middleware(
        Admission,
        limit=settings.max_concurrent_requests,
        queue=settings.max_queued_requests,
        wait=settings.queue_timeout_seconds,
        worker_threads=settings.worker_threads,
    )
    app.add_exception_handler(PoolTimeoutError, _pool_timeout)
    app.add_exception_handler(OperationalError, _database_locked)
