"""Builds the FastAPI application that ``biovista serve`` and ``biovista demo`` run."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from biovista import __version__
from biovista.api import (
    access,
    admission,
    auth,
    dashboards,
    downloads,
    executions,
    files,
    headers,
    ingestions,
    observability,
    problems,
    projects,
    render,
    samples,
    setup,
    tasks,
    tokens,
    upload_sessions,
    uploads,
    users,
    workflows,
)
from biovista.api.body_limit import BodyLimit
from biovista.api.web_cookies import WebCookies
from biovista.auth.keys import KeyRing
from biovista.auth.ratelimit import LoginLimiter
from biovista.config import Settings, get_settings
from biovista.db.migrate import ensure_schema
from biovista.db.session import PoolLimits, configure_pool
from biovista.runtime import Runtime
from biovista.services.accounts.bootstrap import first_start


def create_app(settings: Settings | None = None) -> FastAPI:
    """An app bound to ``settings`` (the process settings by default), with its own
    :class:`Runtime`. Serving it (``biovista serve``, or ``uvicorn --factory
    biovista.api.app:create_app``) runs the lifespan: the runtime's background work starts
    with the server and the runtime is closed when it stops."""
    resolved = settings or get_settings()
    configure_pool(PoolLimits.for_settings(resolved))
    ensure_schema(resolved.resolved_database_url)
    runtime = Runtime(resolved)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        runtime.start_background()
        try:
            yield
        finally:
            runtime.close()

    app = FastAPI(
        lifespan=lifespan,
        title="biovista",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = resolved
    app.state.runtime = runtime
    pinned = resolved.jwt_private_key.get_secret_value() if resolved.jwt_private_key else None
    app.state.keyring = KeyRing(resolved.data_dir / "keys", pinned)
    app.state.limiter = LoginLimiter.for_settings(resolved)
    app.state.setup_token = first_start(resolved)
    problems.install(app)
    app.add_middleware(WebCookies)  # innermost: sees the answers of exception handlers too
    # Middleware added later runs first: metrics see every answer, the 503s and 413s too;
    # a request is admitted before its body is read, so at most the admitted bodies are
    # held in memory at once.
    app.add_middleware(BodyLimit, limit=resolved.max_body_bytes)
    admission.install(app, resolved)
    observability.install(app)
    app.add_middleware(headers.SecurityHeaders)
    app.include_router(observability.router)
    app.state.tasks = runtime.tasks
    routers = [
        m.router
        for m in (
            auth,
            setup,
            tokens,
            users,
            projects,
            access,
            ingestions,
            files,
            uploads,
            render,
            tasks,
            samples,
            upload_sessions,
            downloads,
            workflows,
            executions,
        )
    ]
    for router in [*routers, dashboards.router, dashboards.public_router]:
        app.include_router(
            router, prefix=observability.API_PREFIX, responses=problems.ERROR_RESPONSES
        )
    problems.publish_schema(app)

    @app.get("/health", tags=["health"])
    async def health() -> dict[str, Any]:
        """Liveness: the process answers (on the event loop, never waiting for a thread or
        the database, so it answers while every request place is taken)."""
        return {"status": "ok", "version": __version__, "single_user": resolved.single_user}

    @app.get("/.well-known/jwks.json", tags=["auth"])
    def jwks() -> dict[str, Any]:
        """Public keys that verify biovista access tokens (any service may use them)."""
        ring: KeyRing = app.state.keyring
        ring.active()  # a first key exists before anyone asks to verify with it
        return ring.jwks()

    from biovista.web import mount_web
    from biovista.web.common.cookie_auth import WebContext

    context = WebContext(resolved, app.state.keyring, app.state.limiter, runtime)
    mount_web(app, context)
    return app
