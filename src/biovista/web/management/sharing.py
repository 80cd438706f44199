"""The share dialog of the home page: roles, the public switch and the share link.

A dashboard inherits its project's roles, so the dialog lists and changes the project's
roles and says so. The callbacks only call ``services.sharing`` and ``services.dashboards``,
which refuse anyone who does not own the project, whatever the page sends.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import dash_mantine_components as dmc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from sqlalchemy.orm import Session

from biovista.auth.policy import ROLE_RANK, Principal
from biovista.errors import BiovistaError
from biovista.services.dashboards import documents as dashboards
from biovista.services.dashboards import sharing
from biovista.services.dashboards.sharing import Holder, Sharing
from biovista.web.common.callback_guard import uuid_of
from biovista.web.common.cookie_auth import WebContext, signed_in

ROLES = list(ROLE_RANK)
Change = Callable[[Session, Principal, uuid.UUID], object]


def share_button(dashboard_id: uuid.UUID) -> Any:
    """The per-dashboard action that opens the dialog (shown to owners only)."""
    return dmc.Button(
        "Share",
        id={"kind": "share", "id": str(dashboard_id)},
        size="compact-xs",
        variant="light",
    )


def share_modal() -> Any:
    """The dialog, empty until a Share button fills it for one dashboard."""
    return html.Div(
        [
            dcc.Store(id="share-target"),
            dmc.Modal(html.Div(id="share-body"), id="share-modal", title="Share", size="xl"),
        ]
    )


def register_sharing(app: Dash, context: WebContext) -> None:
    @app.callback(
        Output("share-modal", "opened"),
        Output("share-target", "data"),
        Output("share-body", "children"),
        Input({"kind": "share", "id": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def open_dialog(clicks: list[int | None]) -> tuple[Any, Any, Any]:
        if not any(clicks):
            return no_update, no_update, no_update
        target = ctx.triggered_id["id"]
        try:
            with signed_in(context) as (session, principal):
                shown = sharing.sharing_of(session, principal, uuid_of(target, "the dashboard"))
                return True, target, dialog_body(shown)
        except BiovistaError as exc:
            return True, None, _error(str(exc))

    @app.callback(
        Output("share-holders", "children", allow_duplicate=True),
        Output("share-who", "value"),
        Input("share-add", "n_clicks"),
        State("share-who", "value"),
        State("share-role", "value"),
        State("share-target", "data"),
        prevent_initial_call=True,
    )
    def add(clicked: int | None, who: str | None, role: str | None, target: str) -> tuple[Any, Any]:
        if not clicked:
            return no_update, no_update

        def change(session: Session, principal: Principal, board: uuid.UUID) -> object:
            return sharing.share(session, principal, board, who or "", role or "viewer")

        holders, failed = _apply(context, target, change)
        return holders, no_update if failed else ""

    @app.callback(
        Output("share-holders", "children", allow_duplicate=True),
        Input({"kind": "grant-role", "id": ALL, "role": ALL}, "value"),
        State("share-target", "data"),
        prevent_initial_call=True,
    )
    def set_role(_: list[str | None], target: str) -> Any:
        chosen = ctx.triggered[0]["value"] if ctx.triggered_id else None
        if chosen is None or chosen == ctx.triggered_id["role"]:  # shown, not changed
            return no_update
        grant, role = uuid_of(ctx.triggered_id["id"], "the grant"), str(chosen)

        def change(session: Session, principal: Principal, board: uuid.UUID) -> object:
            return sharing.change_role(session, principal, board, grant, role)

        return _apply(context, target, change)[0]

    @app.callback(
        Output("share-holders", "children", allow_duplicate=True),
        Input({"kind": "grant-remove", "id": ALL}, "n_clicks"),
        State("share-target", "data"),
        prevent_initial_call=True,
    )
    def remove(clicks: list[int | None], target: str) -> Any:
        if not any(clicks):
            return no_update
        grant = uuid_of(ctx.triggered_id["id"], "the grant")

        def change(session: Session, principal: Principal, board: uuid.UUID) -> object:
            sharing.unshare(session, principal, board, grant)
            return None

        return _apply(context, target, change)[0]

    @app.callback(
        Output("share-public-state", "children"),
        Input("share-public", "checked"),
        State("share-target", "data"),
        prevent_initial_call=True,
    )
    def publish(checked: bool | None, target: str) -> Any:
        if ctx.triggered_id is None:  # shown, not switched
            return no_update
        try:
            with signed_in(context) as (session, principal):
                dashboards.set_public(
                    session, principal, uuid_of(target, "the dashboard"), bool(checked)
                )
        except BiovistaError as exc:
            return _error(str(exc))
        return _public_text(bool(checked))

    @app.callback(
        Output("share-link", "children"),
        Input("share-make-link", "n_clicks"),
        State("share-target", "data"),
        prevent_initial_call=True,
    )
    def make_link(clicked: int | None, target: str) -> Any:
        if not clicked:
            return no_update
        try:
            with signed_in(context) as (session, principal):
                token = dashboards.make_link(session, principal, uuid_of(target, "the dashboard"))
        except BiovistaError as exc:
            return _error(str(exc))
        return dmc.Code(f"/dashboard/shared/{token}", id="share-link-address")


def _apply(context: WebContext, target: str, change: Change) -> tuple[Any, bool]:
    """Make one change, then list the roles as they now are, with the error if it failed."""
    problem = None
    try:
        with signed_in(context) as (session, principal):
            change(session, principal, uuid_of(target, "the dashboard"))
    except BiovistaError as exc:
        problem = str(exc)
    try:
        with signed_in(context) as (session, principal):
            shown = sharing.sharing_of(session, principal, uuid_of(target, "the dashboard"))
    except BiovistaError as exc:
        return _error(str(exc)), True
    return holder_list(shown, problem), problem is not None


def dialog_body(shown: Sharing) -> Any:
    """Everything the dialog shows for one dashboard."""
    return dmc.Stack(
        [
            dmc.Text(shown.title, fw=700, id="share-title"),
            dmc.Text(
                f"Roles are held on the project {shown.project} and apply to all its "
                "dashboards: viewers read, editors change, owners share.",
                size="sm",
                c="dimmed",
            ),
            html.Div(holder_list(shown, None), id="share-holders"),
            dmc.Group(
                [
                    dmc.TextInput(
                        id="share-who",
                        label="Share with",
                        placeholder="e-mail of a user, or name of a group",
                        style={"flex": 1},
                    ),
                    dmc.Select(id="share-role", label="Role", data=ROLES, value="viewer", w=120),
                    dmc.Button("Add", id="share-add"),
                ],
                align="end",
            ),
            dmc.Divider(),
            dmc.Group(
                [
                    dmc.Switch(id="share-public", label="Public", checked=shown.public),
                    dmc.Text(_public_text(shown.public), id="share-public-state", size="sm"),
                ]
            ),
            dmc.Group(
                [
                    dmc.Button("New share link", id="share-make-link", variant="light"),
                    html.Div(
                        dmc.Text(
                            "A link exists; a new one retires it."
                            if shown.has_link
                            else "No share link yet.",
                            size="sm",
                            c="dimmed",
                        ),
                        id="share-link",
                    ),
                ]
            ),
        ]
    )


def holder_list(shown: Sharing, problem: str | None) -> Any:
    """The roles as a table, and what went wrong with the last change, if anything."""
    rows = [_holder_row(h) for h in shown.holders]
    rows.append(
        dmc.TableTr(
            [
                dmc.TableTd("server admins"),
                dmc.TableTd("owner"),
                dmc.TableTd(dmc.Badge("every project", color="gray", variant="light", tt="none")),
                dmc.TableTd(""),
            ]
        )
    )
    table = dmc.Table(dmc.TableTbody(rows), verticalSpacing=4)
    alert = [dmc.Alert(problem, color="red", id="share-error")] if problem else []
    return dmc.Stack([*alert, table], gap="xs")


def _holder_row(holder: Holder) -> Any:
    who: list[Any] = [dmc.Text(holder.name, size="sm")]
    if holder.is_group:
        plural = "" if holder.members == 1 else "s"
        who.append(
            dmc.Badge(f"group · {holder.members} member{plural}", variant="outline", tt="none")
        )
    grant = str(holder.grant_id)
    return dmc.TableTr(
        [
            dmc.TableTd(dmc.Group(who, gap="xs")),
            dmc.TableTd(
                dmc.Select(
                    id={"kind": "grant-role", "id": grant, "role": holder.role},
                    data=ROLES,
                    value=holder.role,
                    allowDeselect=False,
                    size="xs",
                    w=110,
                )
            ),
            dmc.TableTd(
                dmc.Badge(
                    f"from project {holder.project}", color="gray", variant="light", tt="none"
                )
            ),
            dmc.TableTd(
                dmc.Button(
                    "Remove",
                    id={"kind": "grant-remove", "id": grant},
                    size="compact-xs",
                    color="red",
                    variant="subtle",
                )
            ),
        ],
        className="bv-grant",
        **{"data-who": holder.name, "data-role": holder.role},
    )


def _public_text(public: bool) -> str:
    return (
        "Anyone with the dashboard's address reads it, without signing in."
        if public
        else "Only the roles above open it."
    )


def _error(text: str) -> Any:
    return dmc.Alert(text, color="red", id="share-error")
