"""The samples page of a project (``/projects/<name>/samples``): its samples, and for
editors a resumable upload of large files straight from the browser.

The browser cannot send a 10 GB file in one request, so ``assets/chunked_upload.js``
slices the file and sends the chunks to the API's upload-session routes
(:mod:`biovista.api.upload_sessions`), signed in by the page's own cookies: the API
accepts them from this server's pages (the script's ``X-Biovista-Web`` header, a
same-origin ``Origin``) and refreshes an expired access token as every page does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash_mantine_components as dmc
from dash import Dash, Input, Output, State, dcc, html

from biovista.auth.policy import Action, Principal, allows, authorize_project
from biovista.db.session import session_scope
from biovista.errors import BiovistaError
from biovista.services.samples import records as samples
from biovista.web.common.cookie_auth import WebContext

SCRIPT = (Path(__file__).parent / "assets" / "chunked_upload.js").read_text()


def samples_link(project: str) -> Any:
    return dmc.Anchor("samples", href=f"/projects/{project}/samples", refresh=True, size="sm")


def samples_page(context: WebContext, principal: Principal, pathname: str | None) -> Any | None:
    """The page for ``/projects/<name>/samples``, else None (the router goes on)."""
    parts = [p for p in (pathname or "").split("/") if p]
    if len(parts) != 3 or parts[0] != "projects" or parts[2] != "samples":
        return None
    name = parts[1]
    try:
        with session_scope(context.settings.resolved_database_url) as session:
            found = samples.list_samples(session, principal, name)
            rows = [_row(s) for s in found]
            names = [s.name for s in found]
            project = authorize_project(session, principal, name, Action.VIEW)
            editor = allows(session, principal, project.id, Action.EDIT)
    except BiovistaError as exc:
        return dmc.Alert(str(exc), color="red")
    table = (
        dmc.Table(
            [
                html.Thead(
                    html.Tr([html.Th(h) for h in ("sample", "type", "attributes", "files")])
                ),
                html.Tbody(rows),
            ],
            striped=True,
            className="bv-samples",
        )
        if rows
        else dmc.Text("No sample yet.", c="dimmed", size="sm")
    )
    return dmc.Stack(
        [
            dcc.Store(id="samples-project", data=name),
            dmc.Title(f"Samples of {name}", order=3),
            table,
            *([_upload_form(names)] if editor else []),
        ]
    )


def _row(sample: Any) -> Any:
    attributes = ", ".join(f"{k}={v}" for k, v in sample.attributes.items())
    files = html.Ul([html.Li(f.path) for f in sample.files]) if sample.files else "-"
    return html.Tr(
        [
            html.Td(sample.name),
            html.Td(sample.sample_type.name),
            html.Td(attributes),
            html.Td(files),
        ],
        className="bv-sample",
        **{"data-sample": sample.name},
    )


def _upload_form(names: list[str]) -> Any:
    return dmc.Paper(
        dmc.Stack(
            [
                dmc.Text("Upload files", fw=700),
                dmc.Text(
                    "Large files are sent in chunks; after a cut connection, choose the same "
                    "file again and the upload goes on where it stopped.",
                    size="sm",
                    c="dimmed",
                ),
                dmc.Group(
                    [
                        html.Span(id="chunked-file-slot"),
                        dmc.TextInput(id="chunked-folder", placeholder="folder (optional)"),
                        dmc.Select(
                            id="chunked-sample",
                            data=names,
                            placeholder="sample (optional)",
                            clearable=True,
                        ),
                        dmc.Button("Upload", id="chunked-start"),
                    ],
                    align="end",
                ),
                html.Progress(id="chunked-progress", max="1", value="0", style={"width": "100%"}),
                html.Div(id="chunked-status", className="bv-upload-status"),
                html.Div(id="chunked-done", style={"display": "none"}),
            ]
        ),
        withBorder=True,
        p="sm",
    )


def register_samples(app: Dash, context: WebContext) -> None:
    app.clientside_callback(  # type: ignore[no-untyped-call]
        SCRIPT,
        Output("chunked-done", "children"),
        Input("chunked-start", "n_clicks"),
        State("samples-project", "data"),
        State("chunked-folder", "value"),
        State("chunked-sample", "value"),
    )
