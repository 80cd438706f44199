"""The home page (``/``): the caller's projects and their dashboards; create and delete.

Sharing lives in a dialog (``web.sharing``); its Share button is shown to those who own
the project, and the services check that again for every change.
"""

from __future__ import annotations

from typing import Any

import dash_mantine_components as dmc
from dash import ALL, Dash, Input, Output, State, ctx, no_update

from biovista.auth.policy import Action, Principal, allows, visible_projects
from biovista.db.models import Dashboard
from biovista.db.session import session_scope
from biovista.errors import BiovistaError
from biovista.services.dashboards import documents as dashboards
from biovista.web.common.callback_guard import uuid_of
from biovista.web.common.cookie_auth import WebContext, signed_in
from biovista.web.management.importing import import_control, register_import
from biovista.web.management.run_format import executions_link
from biovista.web.management.samples import samples_link
from biovista.web.management.sharing import share_button, share_modal


def home_page(context: WebContext, principal: Principal) -> Any:
    with session_scope(context.settings.resolved_database_url) as session:
        projects = visible_projects(session, principal)
        sections, names = [], []
        for project in projects:
            names.append(project.name)
            boards = dashboards.list_dashboards(session, principal, project.name)
            owner = allows(session, principal, project.id, Action.MANAGE)
            sections.append(_project_section(project.name, project.description, boards, owner))
    groups_link = dmc.Anchor(
        "Administration" if principal.is_admin else "Groups", href="/admin", refresh=True
    )
    if not names:  # groups (and invitations to them) matter before any project is shared
        return dmc.Stack([dmc.Text("No project is visible to you yet."), dmc.Group([groups_link])])
    creator = dmc.Group(
        [
            dmc.Select(
                id="new-project",
                data=names,
                placeholder="project",
                value=names[0],
                allowDeselect=False,
            ),
            dmc.TextInput(id="new-title", placeholder="dashboard title"),
            dmc.Button("New dashboard", id="create-dashboard"),
            import_control(),
        ],
        align="end",
    )
    return dmc.Stack(
        [
            dmc.Group(
                [
                    dmc.Title("Projects", order=3),
                    dmc.Group([dmc.Anchor("Workflows", href="/workflows"), groups_link]),
                ],
                justify="space-between",
            ),
            creator,
            *sections,
            share_modal(),
        ]
    )


def register_home(app: Dash, context: WebContext) -> None:
    register_import(app, context, notice)

    @app.callback(
        Output("redirect", "href", allow_duplicate=True),
        Output("notice", "children"),
        Input("create-dashboard", "n_clicks"),
        State("new-project", "value"),
        State("new-title", "value"),
        prevent_initial_call=True,
    )
    def create(clicked: int | None, project: str | None, title: str | None) -> tuple[Any, Any]:
        if not clicked:  # Dash also calls this when the page first shows the button
            return no_update, no_update
        title = (title or "").strip()
        if not project or not title:
            return no_update, notice("Choose a project and give the dashboard a title.")
        try:
            with signed_in(context) as (session, principal):
                made = dashboards.create_dashboard(session, principal, project, title, {})
                target = f"/dashboard-edit/{made.id}"
        except BiovistaError as exc:
            return no_update, notice(str(exc))
        return target, ""

    @app.callback(
        Output("redirect", "href", allow_duplicate=True),
        Output("notice", "children", allow_duplicate=True),
        Input({"kind": "delete-dashboard", "id": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def delete(clicks: list[int | None]) -> tuple[Any, Any]:
        if not any(clicks):
            return no_update, no_update
        try:
            with signed_in(context) as (session, principal):
                target = uuid_of(ctx.triggered_id["id"], "the dashboard")
                dashboards.delete_dashboard(session, principal, target)
        except BiovistaError as exc:
            return no_update, notice(str(exc))
        return "/", ""


def notice(text: str) -> Any:
    return dmc.Alert(text, color="red", mt="sm", id="notice-text")


def _project_section(name: str, description: str, boards: list[Dashboard], owner: bool) -> Any:
    rows = [_dashboard_row(board, owner) for board in boards]
    return dmc.Paper(
        dmc.Stack(
            [
                dmc.Group([dmc.Text(name, fw=700), executions_link(name)], justify="space-between"),
                dmc.Text(description, size="sm", c="dimmed"),
                samples_link(name),
                *(rows or [dmc.Text("no dashboards yet", size="sm", c="dimmed")]),
            ],
            gap=4,
        ),
        withBorder=True,
        p="sm",
        className="bv-project",
        **{"data-project": name},
    )


def _dashboard_row(board: Dashboard, owner: bool) -> Any:
    public = [dmc.Badge("public", size="xs", variant="light")] if board.is_public else []
    actions = [
        *public,
        dmc.Anchor("edit", href=f"/dashboard-edit/{board.id}", refresh=True, size="sm"),
        *([share_button(board.id)] if owner else []),
        dmc.Button(
            "delete",
            id={"kind": "delete-dashboard", "id": str(board.id)},
            size="compact-xs",
            color="red",
            variant="subtle",
        ),
    ]
    return dmc.Group(
        [
            dmc.Anchor(
                board.title,
                href=f"/dashboard/{board.id}",
                refresh=True,
                className="bv-dashboard-link",
            ),
            dmc.Group(actions, gap="xs"),
        ],
        justify="space-between",
        className="bv-dashboard",
        **{"data-dashboard": str(board.id)},
    )
