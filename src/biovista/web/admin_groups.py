"""The Groups section of the admin page: list, create, delete; add and remove members.

``services.groups`` decides who may change a group (its admins, and server admins), so the
callbacks only call it and show its answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash_mantine_components as dmc
from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from sqlalchemy.orm import Session

from biovista.auth.policy import Principal
from biovista.errors import BiovistaError
from biovista.services import groups
from biovista.services.groups import GroupView
from biovista.web.session import WebContext, signed_in

GroupsChange = Callable[[Session, Principal], str]


def groups_section(session: Session, principal: Principal) -> Any:
    """The section as the admin first sees it."""
    found = groups.list_groups(session, principal)
    return dmc.Stack(
        [
            dmc.Title("Groups", order=4),
            html.Div(group_table(found), id="admin-groups-list"),
            dmc.Group(
                [
                    dmc.TextInput(id="admin-group-name", label="New group"),
                    dmc.TextInput(id="admin-group-description", label="Description", w=300),
                    dmc.Button("Create group", id="admin-create-group"),
                ],
                align="end",
            ),
            dmc.Group(
                [
                    dmc.Select(
                        id="admin-member-group",
                        label="Group",
                        data=[g.name for g in found],
                        searchable=True,
                        w=200,
                    ),
                    dmc.TextInput(id="admin-member-email", label="Member e-mail", w=260),
                    dmc.Checkbox(id="admin-member-admin", label="group admin", mb=8),
                    dmc.Button("Add member", id="admin-add-member", variant="light"),
                    dmc.Button(
                        "Remove member", id="admin-remove-member", color="red", variant="light"
                    ),
                ],
                align="end",
            ),
            html.Div(id="admin-groups-message"),
        ],
        gap="xs",
    )


def register_groups(app: Dash, context: WebContext) -> None:
    outputs = (
        Output("admin-groups-list", "children", allow_duplicate=True),
        Output("admin-member-group", "data", allow_duplicate=True),
        Output("admin-groups-message", "children", allow_duplicate=True),
    )

    @app.callback(
        *outputs,
        Input("admin-create-group", "n_clicks"),
        State("admin-group-name", "value"),
        State("admin-group-description", "value"),
        prevent_initial_call=True,
    )
    def create(clicked: int | None, name: str | None, description: str | None) -> Any:
        def change(session: Session, principal: Principal) -> str:
            made = groups.create_group(session, principal, (name or "").strip(), description or "")
            return f"Created the group {made.name}."

        return _change(context, change) if clicked else (no_update,) * 3

    @app.callback(
        *outputs,
        Input("admin-add-member", "n_clicks"),
        State("admin-member-group", "value"),
        State("admin-member-email", "value"),
        State("admin-member-admin", "checked"),
        prevent_initial_call=True,
    )
    def add(clicked: int | None, group: str | None, email: str | None, admin: bool | None) -> Any:
        def change(session: Session, principal: Principal) -> str:
            groups.add_member(session, principal, group or "", email or "", bool(admin))
            return f"{email} is {'an admin' if admin else 'a member'} of {group}."

        return _change(context, change) if clicked else (no_update,) * 3

    @app.callback(
        *outputs,
        Input("admin-remove-member", "n_clicks"),
        State("admin-member-group", "value"),
        State("admin-member-email", "value"),
        prevent_initial_call=True,
    )
    def remove(clicked: int | None, group: str | None, email: str | None) -> Any:
        def change(session: Session, principal: Principal) -> str:
            groups.remove_member(session, principal, group or "", email or "")
            return f"{email} left {group}."

        return _change(context, change) if clicked else (no_update,) * 3

    @app.callback(
        *outputs,
        Input({"kind": "delete-group", "name": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def delete(clicks: list[int | None]) -> Any:
        if not any(clicks):
            return no_update, no_update, no_update
        name = str(ctx.triggered_id["name"])

        def change(session: Session, principal: Principal) -> str:
            groups.delete_group(session, principal, name)
            return f"Deleted the group {name}."

        return _change(context, change)


def _change(context: WebContext, change: GroupsChange) -> tuple[Any, Any, Any]:
    """Make one change; then the groups as they now are and what happened."""
    try:
        with signed_in(context) as (session, principal):
            message = dmc.Text(change(session, principal), c="green", size="sm")
    except BiovistaError as exc:
        message = dmc.Alert(str(exc), color="red", id="admin-groups-error")
    try:
        with signed_in(context) as (session, principal):
            found = groups.list_groups(session, principal)
    except BiovistaError:
        return no_update, no_update, message
    return group_table(found), [g.name for g in found], message


def group_table(found: list[GroupView]) -> Any:
    """One row per group: its name, how many members, who they are (admins marked)."""
    if not found:
        return dmc.Text("No groups yet.", size="sm", c="dimmed")
    return dmc.Table(
        [
            dmc.TableThead(dmc.TableTr([dmc.TableTh(h) for h in ("group", "members", "who", "")])),
            dmc.TableTbody([_group_row(g) for g in found]),
        ],
        verticalSpacing=4,
    )


def _group_row(group: GroupView) -> Any:
    count = len(group.members)
    who = [
        dmc.Badge(
            f"{m.email} · admin" if m.is_admin else m.email,
            variant="filled" if m.is_admin else "light",
            tt="none",
        )
        for m in group.members
    ]
    return dmc.TableTr(
        [
            dmc.TableTd(
                dmc.Stack(
                    [dmc.Text(group.name, fw=600), dmc.Text(group.description, size="xs")], gap=0
                )
            ),
            dmc.TableTd(f"{count} member{'' if count == 1 else 's'}"),
            dmc.TableTd(dmc.Group(who, gap=4)),
            dmc.TableTd(
                dmc.Button(
                    "Delete",
                    id={"kind": "delete-group", "name": group.name},
                    size="compact-xs",
                    color="red",
                    variant="subtle",
                )
            ),
        ],
        className="bv-group",
        **{"data-group": group.name},
    )
