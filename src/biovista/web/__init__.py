"""The web apps (Plotly Dash): management at ``/``, viewer at ``/dashboard``, editor at
``/dashboard-edit``, mounted in the API's process so that one port serves everything."""

from __future__ import annotations

import json
from typing import Any, cast

import flask
from a2wsgi import WSGIMiddleware
from fastapi import FastAPI
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.routing import Route

from biovista.api.admission import RETRY_AFTER_SECONDS
from biovista.web.common.cookie_auth import WebContext
from biovista.web.editor.app import build_editor
from biovista.web.management.app import build_management
from biovista.web.viewer.app import build_viewer
from biovista.web.viewer.exports import install_routes
from biovista.web.viewer.images import install_image_routes

MANAGEMENT_PATHS = (
    "/",
    "/login",
    "/admin",
    "/projects/{name}/samples{rest:path}",
    "/workflows",
    "/executions/{rest:path}",
    "/projects/{name}/executions",
    "/_favicon.ico",
    "/_reload-hash",
    "/_dash-{rest:path}",
    "/assets/{rest:path}",
)


def mount_web(api: FastAPI, context: WebContext) -> None:
    """Mount the three apps; API routes, added before, keep precedence."""
    viewer = build_viewer(context)
    install_routes(viewer.server, context)
    install_image_routes(viewer.server, context)
    editor = build_editor(context)
    management = build_management(context)
    api.mount("/dashboard-edit", _asgi(editor.server))
    api.mount("/dashboard", _asgi(viewer.server))
    served = _asgi(management.server)
    for path in MANAGEMENT_PATHS:  # not a mount at "/": unknown API paths stay the API's 404s
        api.router.routes.append(Route(path, served))
    # The only inline scripts pages may run (the Dash renderer's start, client-side
    # callbacks): the security headers' CSP allows these by hash, no other inline script.
    api.state.script_hashes = sorted(
        {digest for app in (viewer, editor, management) for digest in app.csp_hashes()}
    )


def _asgi(server: Any) -> Any:
    server.register_error_handler(PoolTimeoutError, _busy)
    return cast(Any, WSGIMiddleware(server, workers=8))


def _busy(_exc: Exception) -> flask.Response:
    """No database connection came free in time: 503 with ``Retry-After``, as the API."""
    detail = "the server is busy: no database connection came free in time"
    body = {"type": "about:blank", "title": "Service Unavailable", "status": 503}
    return flask.Response(
        json.dumps(body | {"detail": detail}),
        status=503,
        mimetype="application/problem+json",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
