"""Every error as an RFC 9457 problem document, with a precise ``detail``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from biovista.auth.policy import ForbiddenError
from biovista.auth.tokens import AuthenticationError
from biovista.errors import BiovistaError, InvalidInputError, NotFoundError
from biovista.services.sessions import TooManyAttemptsError

STATUS: list[tuple[type[BiovistaError], int]] = [
    (AuthenticationError, 401),
    (ForbiddenError, 403),
    (NotFoundError, 404),
    (InvalidInputError, 422),
    (TooManyAttemptsError, 429),
]


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BiovistaError)
    status = next((code for kind, code in STATUS if isinstance(exc, kind)), 500)
    extra: dict[str, Any] = {}
    if isinstance(exc, InvalidInputError) and exc.problems:
        extra["errors"] = [
            {"field": p.where, "line": p.line, "message": p.message, "suggestion": p.suggestion}
            for p in exc.problems
        ]
    response = problem(status, type(exc).__name__.removesuffix("Error"), str(exc), **extra)
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, TooManyAttemptsError):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    """Every invalid field at once, each with its location in the request."""
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": ".".join(str(p) for p in error["loc"]), "message": error["msg"]}
        for error in exc.errors()
    ]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem(422, "Invalid request", detail, errors=errors)


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return problem(exc.status_code, "HTTP error", str(exc.detail))


def install(app: FastAPI) -> None:
    app.add_exception_handler(BiovistaError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
