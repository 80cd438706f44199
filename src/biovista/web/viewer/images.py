"""The files behind image galleries, beside the viewer: each image and its thumbnail.

``/dashboard/<id>/image/<component>/<row>`` and ``.../thumb/...`` (and the same under
``/dashboard/shared/<token>/``) open the dashboard exactly as the viewer does, so a
dashboard the caller may not see answers 404. Responses carry an ETag that changes with
the file and are private to the caller: the browser asks again with ``If-None-Match`` and
gets ``304 Not Modified`` while the file is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flask

from biovista.errors import BiovistaError, NotFoundError
from biovista.query.dashboard import DashboardData, OpenedDashboard
from biovista.services.dashboards import gallery as images
from biovista.web.common.cookie_auth import WebContext
from biovista.web.common.opening import open_for_caller

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # An SVG opened on its own runs no script and loads nothing.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
}


def image_url(ref: dict[str, Any], component_id: str, row: int, thumb: bool) -> str:
    """Where the viewer page (opened by id or by share link) finds one image."""
    base = f"/dashboard/shared/{ref['link']}" if ref.get("link") else f"/dashboard/{ref['id']}"
    return f"{base}/{'thumb' if thumb else 'image'}/{component_id}/{row}"


def install_image_routes(server: flask.Flask, context: WebContext) -> None:
    def by_id(dashboard_id: str) -> OpenedDashboard:
        return open_for_caller(context, dashboard_id)

    def by_link(token: str) -> OpenedDashboard:
        return open_for_caller(context, link=token)

    @server.get("/<dashboard_id>/image/<component_id>/<int:row>")
    def image(dashboard_id: str, component_id: str, row: int) -> flask.Response:
        return _answer(context, lambda: by_id(dashboard_id), component_id, row, thumb=False)

    @server.get("/<dashboard_id>/thumb/<component_id>/<int:row>")
    def thumb(dashboard_id: str, component_id: str, row: int) -> flask.Response:
        return _answer(context, lambda: by_id(dashboard_id), component_id, row, thumb=True)

    @server.get("/shared/<token>/image/<component_id>/<int:row>")
    def shared_image(token: str, component_id: str, row: int) -> flask.Response:
        return _answer(context, lambda: by_link(token), component_id, row, thumb=False)

    @server.get("/shared/<token>/thumb/<component_id>/<int:row>")
    def shared_thumb(token: str, component_id: str, row: int) -> flask.Response:
        return _answer(context, lambda: by_link(token), component_id, row, thumb=True)


def _answer(
    context: WebContext,
    opener: Callable[[], OpenedDashboard],
    component_id: str,
    row: int,
    thumb: bool,
) -> flask.Response:
    """The file, or a one-line reason: 404 (not visible, no such row or file), 422 (a path
    or file that is not a safe image)."""
    settings = context.settings
    try:
        data = DashboardData(settings, opener(), context.runtime.reads)
        stored = images.locate_image(settings, data, component_id, row)
        served = (
            images.thumbnail(settings, stored) if thumb else images.full_image(settings, stored)
        )
    except NotFoundError as exc:
        return flask.Response(str(exc), status=404, mimetype="text/plain")
    except BiovistaError as exc:
        return flask.Response(str(exc), status=422, mimetype="text/plain")
    response = flask.send_file(
        served.path, mimetype=served.content_type, etag=served.etag, conditional=True
    )
    response.headers["Content-Type"] = served.content_type  # no charset: SVG says its own
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.cache_control.max_age = None
    response.headers.update(SECURITY_HEADERS)
    return response
