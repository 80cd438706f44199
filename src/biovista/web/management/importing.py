"""Import a dashboard file (YAML) into a project from the home page.

The file goes through the same validation as the API's import, so a mistake is reported
with its line and the setting it concerns, and nothing is created."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import dash_mantine_components as dmc
from dash import Dash, Input, Output, State, dcc, no_update

from biovista.errors import BiovistaError, InvalidInputError
from biovista.services.dashboards import documents as dashboards
from biovista.web.common.cookie_auth import WebContext, signed_in

MAX_BYTES = 1_000_000


def import_control() -> Any:
    return dcc.Upload(
        dmc.Button("Import YAML", variant="default"),
        id="import-yaml",
        accept=".yaml,.yml",
        max_size=MAX_BYTES,
        multiple=False,
    )


def register_import(app: Dash, context: WebContext, notice: Any) -> None:
    @app.callback(
        Output("redirect", "href", allow_duplicate=True),
        Output("notice", "children", allow_duplicate=True),
        Input("import-yaml", "contents"),
        State("import-yaml", "filename"),
        State("new-project", "value"),
        prevent_initial_call=True,
    )
    def imported(contents: str | None, filename: str | None, project: str | None) -> Any:
        if not contents:
            return no_update, no_update
        if not project:
            return no_update, notice("Choose the project to import the dashboard into.")
        try:
            text = _decoded(contents, filename or "dashboard.yaml")
            with signed_in(context) as (session, principal):
                made = dashboards.import_dashboard(
                    session, principal, project, text, filename or "dashboard.yaml"
                )
                target = f"/dashboard/{made.id}"
        except BiovistaError as exc:
            return no_update, notice(str(exc))
        return target, ""


def _decoded(contents: str, filename: str) -> str:
    """The uploaded file's text (the browser sends it as a base64 data URL)."""
    try:
        raw = base64.b64decode(contents.split(",", 1)[1], validate=True)
        return raw.decode("utf-8")
    except (IndexError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{filename}: not a UTF-8 text file ({exc})") from exc
