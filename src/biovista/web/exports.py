"""Downloads beside the viewer: the dashboard as YAML, the current view as standalone HTML,
and a table's filtered rows as CSV. Each checks access exactly as the viewer does."""

from __future__ import annotations

import html
import uuid

import flask

from biovista.db.session import session_scope
from biovista.errors import BiovistaError, NotFoundError
from biovista.models.dashboard import FilterState
from biovista.services import dashboards
from biovista.services.dashboard_view import DashboardData, OpenedDashboard, open_dashboard
from biovista.web import figures
from biovista.web.session import WebContext, current_principal
from biovista.web.viewer import MAX_POINTS, decode_state

HTML_ROWS = 200


def install_routes(server: flask.Flask, context: WebContext) -> None:
    def opened(dashboard_id: str) -> OpenedDashboard:
        try:
            ident = uuid.UUID(dashboard_id)
        except ValueError:
            flask.abort(404)
        try:
            return open_dashboard(context.settings, current_principal(context), ident)
        except NotFoundError:
            flask.abort(404)

    @server.get("/<dashboard_id>/export.yaml")
    def export_yaml(dashboard_id: str) -> flask.Response:
        view = opened(dashboard_id)
        with session_scope(context.settings.resolved_database_url) as session:
            record = dashboards.public_or_any(session, view.id)
            text = dashboards.export_dashboard(record)
        return _download(text, "application/yaml", f"{view.title}.yaml")

    @server.get("/<dashboard_id>/export.html")
    def export_html(dashboard_id: str) -> flask.Response:
        view = opened(dashboard_id)
        state = decode_state("?" + flask.request.query_string.decode())
        page = standalone_html(DashboardData(context.settings, view), state)
        return _download(page, "text/html", f"{view.title}.html")

    @server.get("/<dashboard_id>/csv/<component_id>")
    def export_csv(dashboard_id: str, component_id: str) -> flask.Response:
        view = opened(dashboard_id)
        state = decode_state("?" + flask.request.query_string.decode())
        try:
            rows = DashboardData(context.settings, view).csv(component_id, state)
        except BiovistaError as exc:
            return flask.Response(str(exc), status=422, mimetype="text/plain")
        return _download(rows.decode(), "text/csv", f"{view.title}-{component_id}.csv")


def _download(body: str, mimetype: str, filename: str) -> flask.Response:
    safe = "".join(c if c.isalnum() or c in "-_. " else "_" for c in filename)
    return flask.Response(
        body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{safe}"'}
    )


def standalone_html(data: DashboardData, state: FilterState) -> str:
    """One HTML file with interactive figures (plotly.js inlined), metrics, text and tables."""
    parts = [f"<h1>{html.escape(data.opened.title)}</h1>"]
    plotly_included = False
    for tab in data.opened.spec.tabs:
        parts.append(f"<h2>{html.escape(tab.name)}</h2>")
        for component in tab.components:
            title = html.escape(component.title or component.id)
            parts.append(f'<section class="component" data-id="{component.id}"><h3>{title}</h3>')
            try:
                if component.type == "figure":
                    result = data.figure(component.id, state, MAX_POINTS)
                    figure = figures.build_figure(component, result)
                    parts.append(
                        figure.to_html(full_html=False, include_plotlyjs=not plotly_included)
                    )
                    plotly_included = True
                    if result.reduced:
                        parts.append(f"<p><em>{figures.reduced_label(result)}</em></p>")
                elif component.type == "metric":
                    value, unfiltered = data.metric(component.id, state)
                    parts.append(f'<p class="metric">{value}</p><p>unfiltered: {unfiltered}</p>')
                elif component.type in ("table", "multiqc"):
                    rows, total = data.rows(component.id, state, 0, HTML_ROWS)
                    parts.append(_table(rows.to_dicts(), total))
                elif component.type == "text":
                    parts.append(f"<pre>{html.escape(component.markdown)}</pre>")
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


def _table(rows: list[dict[str, object]], total: int) -> str:
    if not rows:
        return "<p>no rows</p>"
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row.values()) + "</tr>"
        for row in rows
    )
    note = f"<p>{len(rows):,} of {total:,} rows</p>" if total > len(rows) else ""
    return f"<table><tr>{head}</tr>{body}</table>{note}"
