"""The management app (``/``): sign in, projects and their dashboards, sharing, admin pages."""

from __future__ import annotations

import uuid
from typing import Any

import dash_ag_grid as dag
import dash_mantine_components as dmc
from dash import ALL, Dash, Input, Output, State, ctx, html, no_update

from biovista.auth.policy import Principal, visible_projects
from biovista.db.session import session_scope
from biovista.errors import BiovistaError
from biovista.services import dashboards, ingest_jobs, users
from biovista.web.session import WebContext, current_principal, log_in
from biovista.web.shell import new_app, page_shell


def build_management(context: WebContext) -> Dash:
    app = new_app("management", "/", context)
    app.layout = page_shell([html.Div(id="page"), html.Div(id="notice")])
    _register(app, context)
    return app


def _register(app: Dash, context: WebContext) -> None:
    @app.callback(Output("page", "children"), Input("url", "pathname"))
    def page(pathname: str | None) -> Any:
        principal = current_principal(context)
        if pathname == "/login" or principal is None:
            return login_page()
        if pathname == "/admin":
            return admin_page(context, principal)
        return home_page(context, principal)

    @app.callback(
        Output("redirect", "href"),
        Output("login-error", "children"),
        Input("login-submit", "n_clicks"),
        State("login-email", "value"),
        State("login-password", "value"),
        prevent_initial_call=True,
    )
    def submit_login(_: int | None, email: str | None, password: str | None) -> tuple[Any, Any]:
        try:
            log_in(context, email or "", password or "")
        except BiovistaError as exc:
            return no_update, str(exc)
        return "/", ""

    @app.callback(
        Output("redirect", "href", allow_duplicate=True),
        Output("notice", "children"),
        Input("create-dashboard", "n_clicks"),
        State("new-project", "value"),
        State("new-title", "value"),
        prevent_initial_call=True,
    )
    def create(_: int | None, project: str | None, title: str | None) -> tuple[Any, Any]:
        principal = current_principal(context)
        title = (title or "").strip()
        if principal is None or not project or not title:
            return no_update, _notice("Choose a project and give the dashboard a title.")
        try:
            with session_scope(context.settings.resolved_database_url) as session:
                made = dashboards.create_dashboard(
                    session,
                    principal,
                    project,
                    title,
                    {},
                )
                target = f"/dashboard-edit/{made.id}"
        except BiovistaError as exc:
            return no_update, _notice(str(exc))
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
        principal = current_principal(context)
        try:
            with session_scope(context.settings.resolved_database_url) as session:
                dashboards.delete_dashboard(
                    session,
                    principal,  # type: ignore[arg-type]
                    uuid.UUID(ctx.triggered_id["id"]),
                )
        except BiovistaError as exc:
            return no_update, _notice(str(exc))
        return "/", ""

    @app.callback(
        Output({"kind": "share-result", "id": ALL}, "children"),
        Input({"kind": "public", "id": ALL}, "checked"),
        Input({"kind": "make-link", "id": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def share(public: list[bool], links: list[int | None]) -> list[Any]:
        principal = current_principal(context)
        trigger = ctx.triggered_id
        outputs: list[Any] = [no_update] * len(ctx.outputs_list)
        position = [o["id"]["id"] for o in ctx.outputs_list].index(trigger["id"])
        dashboard_id = uuid.UUID(trigger["id"])
        try:
            with session_scope(context.settings.resolved_database_url) as session:
                if trigger["kind"] == "public":
                    value = public[position]
                    dashboards.set_public(session, principal, dashboard_id, bool(value))  # type: ignore[arg-type]
                    outputs[position] = "public" if value else "private"
                else:
                    token = dashboards.make_link(session, principal, dashboard_id)  # type: ignore[arg-type]
                    outputs[position] = f"/dashboard/shared/{token}"
        except BiovistaError as exc:
            outputs[position] = str(exc)
        return outputs


def _notice(text: str) -> Any:
    return dmc.Alert(text, color="red", mt="sm", id="notice-text")


def login_page() -> Any:
    return dmc.Center(
        dmc.Paper(
            dmc.Stack(
                [
                    dmc.Title("Sign in", order=3),
                    dmc.TextInput(id="login-email", label="E-mail", autoComplete="username"),
                    dmc.PasswordInput(
                        id="login-password", label="Password", autoComplete="current-password"
                    ),
                    dmc.Button("Sign in", id="login-submit"),
                    dmc.Text(id="login-error", c="red", size="sm"),
                ]
            ),
            withBorder=True,
            p="lg",
            w=360,
        ),
        mt="xl",
    )


def home_page(context: WebContext, principal: Principal) -> Any:
    with session_scope(context.settings.resolved_database_url) as session:
        projects = visible_projects(session, principal)
        sections, names = [], []
        for project in projects:
            names.append(project.name)
            boards = dashboards.list_dashboards(session, principal, project.name)
            sections.append(_project_section(project.name, project.description, boards))
    creator = dmc.Group(
        [
            dmc.Select(
                id="new-project",
                data=names,
                placeholder="project",
                value=names[0] if names else None,
            ),
            dmc.TextInput(id="new-title", placeholder="dashboard title"),
            dmc.Button("New dashboard", id="create-dashboard"),
        ],
        align="end",
    )
    admin = (
        [dmc.Anchor("Administration", href="/admin", refresh=True)] if principal.is_admin else []
    )
    return dmc.Stack(
        [
            dmc.Group([dmc.Title("Projects", order=3), *admin], justify="space-between"),
            creator,
            *sections,
        ]
        if names
        else [dmc.Text("No project is visible to you yet.")]
    )


def _project_section(name: str, description: str, boards: list[Any]) -> Any:
    rows = [
        dmc.Group(
            [
                dmc.Anchor(
                    board.title,
                    href=f"/dashboard/{board.id}",
                    refresh=True,
                    className="bv-dashboard-link",
                ),
                dmc.Group(
                    [
                        dmc.Anchor(
                            "edit", href=f"/dashboard-edit/{board.id}", refresh=True, size="sm"
                        ),
                        dmc.Switch(
                            id={"kind": "public", "id": str(board.id)},
                            label="public",
                            checked=board.is_public,
                            size="xs",
                        ),
                        dmc.Button(
                            "share link",
                            id={"kind": "make-link", "id": str(board.id)},
                            size="compact-xs",
                            variant="light",
                        ),
                        dmc.Code(id={"kind": "share-result", "id": str(board.id)}),
                        dmc.Button(
                            "delete",
                            id={"kind": "delete-dashboard", "id": str(board.id)},
                            size="compact-xs",
                            color="red",
                            variant="subtle",
                        ),
                    ],
                    gap="xs",
                ),
            ],
            justify="space-between",
        )
        for board in boards
    ]
    return dmc.Paper(
        dmc.Stack(
            [
                dmc.Text(name, fw=700),
                dmc.Text(description, size="sm", c="dimmed"),
                *(rows or [dmc.Text("no dashboards yet", size="sm", c="dimmed")]),
            ],
            gap=4,
        ),
        withBorder=True,
        p="sm",
        className="bv-project",
        **{"data-project": name},
    )


def admin_page(context: WebContext, principal: Principal) -> Any:
    if not principal.is_admin:
        return dmc.Alert("Only server admins see this page.", color="gray")
    with session_scope(context.settings.resolved_database_url) as session:
        accounts = [
            {"email": u.email, "role": u.role, "disabled": u.disabled}
            for u in users.list_users(session, after=None, limit=1000)
        ]
        jobs = [
            {
                "project": project.name,
                "status": j.status,
                "started": str(j.created_at)[:19],
                "finished": str(j.finished_at or "")[:19],
            }
            for project in visible_projects(session, principal)
            for j in ingest_jobs.list_ingestions(session, principal, project.name, limit=20)
        ]
    return dmc.Stack(
        [
            dmc.Title("Users", order=4),
            dag.AgGrid(
                id="admin-users",
                rowData=accounts,
                columnDefs=[{"field": f} for f in ("email", "role", "disabled")],
                style={"height": "260px"},
            ),
            dmc.Title("Ingestion jobs", order=4),
            dag.AgGrid(
                id="admin-jobs",
                rowData=jobs,
                columnDefs=[{"field": f} for f in ("project", "status", "started", "finished")],
                style={"height": "260px"},
            ),
        ]
    )
