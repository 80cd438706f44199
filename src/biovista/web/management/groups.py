"""The Groups section of the admin page: list, create, delete; invite and remove members;
the caller's own invitations to accept or decline, and each group's pending invitations for
its admins to withdraw. Users who are not server admins see this section alone.

``services.groups`` decides who may change a group (its admins, and server admins) and whose
invitation is whose, so the callbacks only call it and show its answer.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import dash_mantine_components as dmc
from dash import ALL, Dash, Input, Output, State, ctx, html, no_update
from sqlalchemy.orm import Session

from biovista.auth.policy import Principal
from biovista.errors import BiovistaError, InvalidInputError
from biovista.services.accounts import groups
from biovista.services.accounts.groups import GroupView, InvitationView
from biovista.web.common.cookie_auth import WebContext, signed_in

GroupsChange = Callable[[Session, Principal], str]


def groups_section(session: Session, principal: Principal) -> Any:
    """The section as the admin first sees it."""
    found = groups.list_groups(session, principal)
    mine = groups.my_invitations(session, principal)
    return dmc.Stack(
        [
            dmc.Title("Groups", order=4),
            html.Div(invitation_list(mine), id="admin-my-invitations"),
            html.Div(
                group_table(found, _pending(session, principal, found)), id="admin-groups-list"
            ),
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
                    dmc.Button("Invite", id="admin-add-member", variant="light"),
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
        Output("admin-my-invitations", "children", allow_duplicate=True),
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

        return _change(context, change) if clicked else (no_update,) * 4

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
            sent = groups.invite_member(session, principal, group or "", email or "", bool(admin))
            if sent.status == "member":
                return f"{sent.email} is {'an admin' if admin else 'a member'} of {sent.group}."
            return f"Invited {sent.email} to {sent.group}; they join once they accept."

        return _change(context, change) if clicked else (no_update,) * 4

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

        return _change(context, change) if clicked else (no_update,) * 4

    @app.callback(
        *outputs,
        Input({"kind": "delete-group", "name": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def delete(clicks: list[int | None]) -> Any:
        if not any(clicks):
            return (no_update,) * 4
        name = str(ctx.triggered_id["name"])

        def change(session: Session, principal: Principal) -> str:
            groups.delete_group(session, principal, name)
            return f"Deleted the group {name}."

        return _change(context, change)

    @app.callback(
        *outputs,
        Input({"kind": "accept-invitation", "id": ALL}, "n_clicks"),
        Input({"kind": "decline-invitation", "id": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def answer(accepts: list[int | None], declines: list[int | None]) -> Any:
        if not any(accepts) and not any(declines):
            return (no_update,) * 4
        kind, invitation = str(ctx.triggered_id["kind"]), str(ctx.triggered_id["id"])

        def change(session: Session, principal: Principal) -> str:
            chosen = _invitation_id(invitation)
            if kind == "accept-invitation":
                return f"You joined {groups.accept_invitation(session, principal, chosen).name}."
            groups.decline_invitation(session, principal, chosen)
            return "Invitation declined."

        return _change(context, change)

    @app.callback(
        *outputs,
        Input({"kind": "withdraw-invitation", "group": ALL, "email": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def withdraw(clicks: list[int | None]) -> Any:
        if not any(clicks):
            return (no_update,) * 4
        group, email = str(ctx.triggered_id["group"]), str(ctx.triggered_id["email"])

        def change(session: Session, principal: Principal) -> str:
            groups.withdraw_invitation(session, principal, group, email)
            return f"Withdrew the invitation of {email} to {group}."

        return _change(context, change)


def _invitation_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise InvalidInputError(f"{text!r} is not an invitation id") from exc


def _pending(
    session: Session, principal: Principal, found: list[GroupView]
) -> dict[str, list[InvitationView]]:
    """Pending invitations of the groups the caller administers (others: none shown)."""
    pending: dict[str, list[InvitationView]] = {}
    for group in found:
        try:
            pending[group.name] = groups.group_invitations(session, principal, group.name)
        except BiovistaError:
            pending[group.name] = []
    return pending


def invitation_list(mine: list[InvitationView]) -> Any:
    """The caller's invitations, each with Accept and Decline."""
    if not mine:
        return html.Div()
    return dmc.Stack(
        [
            dmc.Text("Invitations for you", fw=600, size="sm"),
            *(
                dmc.Group(
                    [
                        dmc.Text(
                            f"{i.group}{' (as admin)' if i.is_admin else ''}"
                            f" · from {i.invited_by or 'a former user'}",
                            size="sm",
                        ),
                        dmc.Button(
                            "Accept",
                            id={"kind": "accept-invitation", "id": str(i.id)},
                            size="compact-xs",
                        ),
                        dmc.Button(
                            "Decline",
                            id={"kind": "decline-invitation", "id": str(i.id)},
                            size="compact-xs",
                            color="gray",
                            variant="light",
                        ),
                    ],
                    gap="xs",
                    className="bv-invitation",
                    **{"data-group": i.group},
                )
                for i in mine
            ),
        ],
        gap=4,
    )


def _change(context: WebContext, change: GroupsChange) -> tuple[Any, Any, Any, Any]:
    """Make one change; then the groups and invitations as they now are and what happened."""
    try:
        with signed_in(context) as (session, principal):
            message = dmc.Text(change(session, principal), c="green", size="sm")
    except BiovistaError as exc:
        message = dmc.Alert(str(exc), color="red", id="admin-groups-error")
    try:
        with signed_in(context) as (session, principal):
            found = groups.list_groups(session, principal)
            pending = _pending(session, principal, found)
            mine = groups.my_invitations(session, principal)
    except BiovistaError:
        return no_update, no_update, message, no_update
    return group_table(found, pending), [g.name for g in found], message, invitation_list(mine)


def group_table(
    found: list[GroupView], pending: dict[str, list[InvitationView]] | None = None
) -> Any:
    """One row per group: its name, how many members, who they are (admins marked), and
    who is invited but has not answered yet (for the group's admins)."""
    if not found:
        return dmc.Text("No groups yet.", size="sm", c="dimmed")
    headings = ("group", "members", "who", "invited", "")
    return dmc.Table(
        [
            dmc.TableThead(dmc.TableTr([dmc.TableTh(h) for h in headings])),
            dmc.TableTbody([_group_row(g, (pending or {}).get(g.name, [])) for g in found]),
        ],
        verticalSpacing=4,
    )


def _group_row(group: GroupView, invited: list[InvitationView]) -> Any:
    count = len(group.members)
    who = [
        dmc.Badge(
            f"{m.email} · admin" if m.is_admin else m.email,
            variant="filled" if m.is_admin else "light",
            tt="none",
        )
        for m in group.members
    ]
    waiting = [
        dmc.Group(
            [
                dmc.Badge(i.email, variant="outline", color="gray", tt="none"),
                dmc.Button(
                    "Withdraw",
                    id={"kind": "withdraw-invitation", "group": group.name, "email": i.email},
                    size="compact-xs",
                    color="gray",
                    variant="subtle",
                ),
            ],
            gap=2,
            className="bv-invited",
        )
        for i in invited
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
            dmc.TableTd(dmc.Stack(waiting, gap=2)),
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
