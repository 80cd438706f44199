"""Builds the FastAPI application that ``biovista serve`` and ``biovista demo`` run."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from biovista import __version__
from biovista.api import projects
from biovista.config import Settings, get_settings
from biovista.db.migrate import ensure_schema
from biovista.errors import BiovistaError, InvalidInputError, NotFoundError


def create_app(settings: Settings | None = None) -> FastAPI:
    """An app bound to ``settings`` (the process settings by default)."""
    resolved = settings or get_settings()
    ensure_schema(resolved.resolved_database_url)
    app = FastAPI(
        title="biovista",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = resolved
    app.include_router(projects.router, prefix="/api/v1")
    app.add_exception_handler(BiovistaError, _problem)

    @app.get("/health", tags=["health"])
    def health() -> dict[str, Any]:
        """Liveness: the process answers."""
        return {"status": "ok", "version": __version__}

    return app


async def _problem(request: Request, exc: Exception) -> JSONResponse:
    """Domain errors as RFC 9457 problem documents."""
    status = (
        404
        if isinstance(exc, NotFoundError)
        else 422
        if isinstance(exc, InvalidInputError)
        else 500
    )
    body = {
        "type": "about:blank",
        "title": type(exc).__name__,
        "status": status,
        "detail": str(exc),
    }
    return JSONResponse(body, status_code=status, media_type="application/problem+json")
