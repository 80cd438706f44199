"""The samples page of a project (``/projects/<name>/samples``): its samples, and for
editors a resumable upload of large files straight from the browser.

The browser cannot send a 10 GB file in one request, nor hand its session (HttpOnly
cookies) to the API, so ``assets/chunked_upload.js`` slices the file and sends chunks to
routes beside this page, which authenticate the cookies as every page does (refreshing an
expired access token) and call the same upload-session service as the API.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dash_mantine_components as dmc
import flask
from dash import Dash, Input, Output, State, dcc, html

from biovista.auth.policy import Action, Principal, allows, authorize_project
from biovista.db.session import session_scope
from biovista.errors import BiovistaError, InvalidInputError, NotFoundError
from biovista.services.samples import records as samples
from biovista.services.samples import resumable as chunked_uploads
from biovista.web.common.cookie_auth import WebContext, current_principal

SCRIPT = (Path(__file__).parent / "assets" / "chunked_upload.js").read_text()
UPLOAD_HEADER = "X-Biovista-Upload"
"""Sent by our script: a cross-site page cannot add it without a CORS preflight we refuse."""
READ_BLOCK = 1 << 20


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
    install_upload_routes(app.server, context)


def install_upload_routes(server: flask.Flask, context: WebContext) -> None:
    """``/projects/<name>/samples/uploads[/<id>]``: the upload-session API for this page."""

    @server.route("/projects/<name>/samples/uploads", methods=["GET", "POST"])
    def sessions(name: str) -> flask.Response:
        def work(session: Any, principal: Principal) -> Any:
            if flask.request.method == "GET":
                args = flask.request.args
                size = args.get("size", type=int)
                found = chunked_uploads.find_sessions(
                    session, context.settings, principal, name, args.get("path"), size
                )
                return [chunked_uploads.session_view(s) for s in found]
            body = flask.request.get_json(silent=True) or {}
            opened = chunked_uploads.open_session(
                session,
                context.settings,
                principal,
                name,
                str(body.get("path", "")),
                int(body.get("size", -1)),
                sample=body.get("sample") or None,
            )
            return chunked_uploads.session_view(opened)

        return _answer(context, work)

    @server.route("/projects/<name>/samples/uploads/<session_id>", methods=["GET", "PUT"])
    def chunk(name: str, session_id: str) -> flask.Response:
        def work(session: Any, principal: Principal) -> Any:
            ident = _uuid(session_id)
            if flask.request.method == "GET":
                found = chunked_uploads.get_session(
                    session, context.settings, principal, name, ident
                )
                return chunked_uploads.session_view(found)
            offset = flask.request.args.get("offset", type=int)
            if offset is None:
                raise InvalidInputError("say where the chunk starts: ?offset=<byte>")
            written = chunked_uploads.put_chunk(
                session, context.settings, principal, name, ident, offset, _body()
            )
            return chunked_uploads.session_view(written)

        return _answer(context, work)


def _answer(context: WebContext, work: Any) -> flask.Response:
    """Run ``work`` for the signed-in caller; errors as ``{"detail": ...}`` with a status."""
    if flask.request.headers.get(UPLOAD_HEADER) != "1":
        return _json({"detail": f"send the {UPLOAD_HEADER} header"}, 400)
    principal = current_principal(context)
    if principal is None:
        return _json({"detail": "your session has ended; sign in again"}, 401)
    try:
        with session_scope(context.settings.resolved_database_url) as session:
            return _json(work(session, principal), 200)
    except chunked_uploads.OffsetMismatchError as exc:
        return _json({"detail": str(exc), "received": exc.received}, exc.status)
    except BiovistaError as exc:
        return _json({"detail": str(exc)}, exc.status)


def _body() -> Iterator[bytes]:
    stream = flask.request.stream
    while block := stream.read(READ_BLOCK):
        yield block


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise NotFoundError(f"no upload session {text!r}") from None


def _json(payload: Any, status: int) -> flask.Response:
    return flask.Response(
        json.dumps(payload, default=str), status=status, mimetype="application/json"
    )
