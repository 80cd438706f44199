"""Every error as an RFC 9457 problem document, with a precise ``detail``.

A domain error's status and title are its class's own (``BiovistaError.status`` and
``.title``, see :mod:`biovista.errors`); nothing here maps one to the other.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from biovista.errors import BiovistaError, InvalidInputError
from biovista.services.accounts.logins import TooManyAttemptsError


class FieldError(BaseModel):
    field: str
    message: str
    line: int | None = None
    column: int | str | None = None
    suggestion: str | None = None


class ProblemDocument(BaseModel):
    """RFC 9457 problem details, as every error of this API is returned."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None


def _documented(description: str) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/ProblemDocument"}
    return {"description": description, "content": {"application/problem+json": {"schema": schema}}}


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _documented("The request body could not be parsed"),
    401: _documented("Not logged in, or the credential is invalid or expired"),
    403: _documented("Logged in, but not allowed to do this"),
    404: _documented("No such resource (or not visible to the caller)"),
    409: _documented("The resource already exists"),
    422: _documented("The request is invalid; every invalid field is listed"),
    413: _documented("The request body is larger than the server accepts"),
    429: _documented("Too many failed logins; retry after the Retry-After seconds"),
    503: _documented("The server is busy; retry after the Retry-After seconds"),
}


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BiovistaError)
    status = exc.status
    extra: dict[str, Any] = {}
    if isinstance(exc, InvalidInputError) and exc.problems:
        extra["errors"] = [
            {
                "field": p.where,
                "line": p.line,
                "column": p.column,
                "message": p.message,
                "suggestion": p.suggestion,
            }
            for p in exc.problems
        ]
    response = problem(status, exc.title, str(exc), **extra)
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
    response = problem(exc.status_code, "HTTP error", str(exc.detail))
    response.headers.update(exc.headers or {})
    if exc.status_code == 405:
        response.headers["Allow"] = ", ".join(_allowed_methods(request))
    return response


def _allowed_methods(request: Request) -> list[str]:
    """Every method the documented path supports (Starlette names only the first route's)."""
    paths: dict[str, dict[str, Any]] = request.app.openapi().get("paths", {})
    for template, operations in paths.items():
        pattern = re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            return sorted(method.upper() for method in operations)
    return []


def install(app: FastAPI) -> None:
    """Handlers for every error, and the problem schema in the OpenAPI components."""
    app.add_exception_handler(BiovistaError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)


def publish_schema(app: FastAPI) -> None:
    """Put ProblemDocument in the OpenAPI components that error responses refer to."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build()
            components = document.setdefault("components", {}).setdefault("schemas", {})
            definitions = ProblemDocument.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            components.update(definitions.pop("$defs", {}))
            components["ProblemDocument"] = definitions
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
