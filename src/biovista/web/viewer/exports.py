"""Downloads beside the viewer: the dashboard as YAML, the current view as standalone HTML,
PNG or PDF, and a table's filtered rows as CSV. Each checks access exactly as the viewer does."""

from __future__ import annotations

import html
from typing import Any

import flask

from biovista.api.headers import attachment
from biovista.db.session import session_scope
from biovista.errors import BiovistaError, NotFoundError
from biovista.models.dashboard import FilterState
from biovista.models.filter_state import decode_state, encode_state
from biovista.query.dashboard import DashboardData, OpenedDashboard
from biovista.services.accounts.cookies import ACCESS_COOKIE
from biovista.services.dashboards import documents as dashboards
from biovista.services.dashboards import screenshots as snapshots
from biovista.services.dashboards.screenshots import Format, SnapshotBusyError, ViewRequest
from biovista.web.common.cookie_auth import WebContext, current_principal
from biovista.web.common.kinds import HtmlExport, draw_of
from biovista.web.common.opening import open_for_caller

PICTURE_TYPES = {"png": "image/png", "pdf": "application/pdf"}


def install_routes(server: flask.Flask, context: WebContext) -> None:
    def opened(dashboard_id: str) -> OpenedDashboard:
        try:
            return open_for_caller(context, dashboard_id)
        except NotFoundError:
            flask.abort(404)

    def shared(token: str) -> OpenedDashboard:
        try:
            return open_for_caller(context, link=token)
        except NotFoundError:
            flask.abort(404)

    @server.get("/<dashboard_id>/export.<any(png, pdf):fmt>")
    def export_picture(dashboard_id: str, fmt: Format) -> flask.Response:
        view = opened(dashboard_id)
        return _picture(context, view.title, f"/{view.id}", fmt)

    @server.get("/shared/<token>/export.<any(png, pdf):fmt>")
    def export_shared_picture(token: str, fmt: Format) -> flask.Response:
        view = shared(token)
        return _picture(context, view.title, f"/shared/{token}", fmt)

    @server.get("/<dashboard_id>/export.yaml")
    def export_yaml(dashboard_id: str) -> flask.Response:
        view = opened(dashboard_id)
        with session_scope(context.settings.resolved_database_url) as session:
            record = dashboards.readable_dashboard(session, current_principal(context), view.id)
            text = dashboards.export_dashboard(record)
        return _download(text, "application/yaml", f"{view.title}.yaml")

    @server.get("/<dashboard_id>/export.html")
    def export_html(dashboard_id: str) -> flask.Response:
        view = opened(dashboard_id)
        state = decode_state("?" + flask.request.query_string.decode())
        page = standalone_html(DashboardData(context.settings, view, context.runtime.reads), state)
        return _download(page, "text/html", f"{view.title}.html")

    @server.get("/<dashboard_id>/csv/<component_id>")
    def export_csv(dashboard_id: str, component_id: str) -> flask.Response:
        view = opened(dashboard_id)
        state = decode_state("?" + flask.request.query_string.decode())
        try:
            data = DashboardData(context.settings, view, context.runtime.reads)
            rows = data.csv(component_id, state)
        except BiovistaError as exc:
            return flask.Response(str(exc), status=422, mimetype="text/plain")
        return _download(rows.decode(), "text/csv", f"{view.title}-{component_id}.csv")


def _picture(context: WebContext, title: str, where: str, fmt: Format) -> flask.Response:
    """The view at ``where`` (below the viewer) drawn by the server's browser, as the caller
    sees it: their own rights, the filter state and the theme of the request."""
    theme = flask.request.args.get("theme", "light")
    if theme not in ("light", "dark"):
        return _text(f"theme must be 'light' or 'dark', not {theme!r}", 400)
    state = decode_state("?" + flask.request.query_string.decode())
    principal = current_principal(context)
    token = snapshots.browser_credential(context.settings, context.keyring, principal)
    view = ViewRequest(
        url=_own_address(context) + flask.request.script_root + where + encode_state(state),
        fmt=fmt,
        theme="dark" if theme == "dark" else "light",
        cookies={ACCESS_COOKIE: token} if token else {},
    )
    try:
        body = snapshots.snapshot(context.settings, context.runtime.browsers, view)
    except SnapshotBusyError as exc:
        return _text(str(exc), exc.status, {"Retry-After": str(snapshots.BUSY_RETRY_SECONDS)})
    except BiovistaError as exc:
        return _text(str(exc), exc.status)
    return _download(body, PICTURE_TYPES[fmt], f"{title}.{fmt}")


def _own_address(context: WebContext) -> str:
    """This process as the browser beside it reaches it: the socket the request arrived on,
    never the Host header, which the client chooses."""
    server: Any = (flask.request.environ.get("asgi.scope") or {}).get("server")
    host, port = server or (context.settings.host, context.settings.port)
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in str(host) else f"http://{host}:{port}"


def _text(message: str, status: int, headers: dict[str, str] | None = None) -> flask.Response:
    return flask.Response(message, status=status, mimetype="text/plain", headers=headers)


def _download(body: str | bytes, mimetype: str, filename: str) -> flask.Response:
    return flask.Response(
        body, mimetype=mimetype, headers={"Content-Disposition": attachment(filename)}
    )


def standalone_html(data: DashboardData, state: FilterState) -> str:
    """One HTML file with interactive figures (plotly.js inlined), metrics, text and tables:
    each kind writes its own part."""
    parts = [f"<h1>{html.escape(data.opened.title)}</h1>"]
    out = HtmlExport()
    for tab in data.opened.spec.tabs:
        parts.append(f"<h2>{html.escape(tab.name)}</h2>")
        for component in tab.components:
            title = html.escape(component.title or component.id)
            parts.append(f'<section class="component" data-id="{component.id}"><h3>{title}</h3>')
            export = draw_of(component).export
            try:
                if export is not None:
                    parts.append(export(out, data, component, state))
            except BiovistaError as exc:
                parts.append(f'<p class="error">{html.escape(str(exc))}</p>')
            parts.append("</section>")
    style = (
        "body{font-family:sans-serif;margin:24px} section{margin:16px 0} "
        "table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:2px 6px}"
    )
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>"
        f"{html.escape(data.opened.title)}</title><style>{style}</style></head><body>"
        + "".join(parts)
        + "</body></html>"
    )
