"""The admin page (``/admin``): user accounts, groups and ingestion jobs, for server admins;
other users see the groups section alone (their groups and their invitations).

Account changes have no project to authorize against, so, as the users API does, each
callback asks ``Principal.require_admin`` before calling ``services.users``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import dash_ag_grid as dag
import dash_mantine_components as dmc
from dash import Dash, Input, Output, State, html, no_update
from sqlalchemy.orm import Session

from biovista.auth.policy import Principal, visible_projects
from biovista.errors import BiovistaError, InvalidInputError
from biovista.services.accounts import users
from biovista.services.ingest import task as ingest_jobs
from biovista.web.common.cookie_auth import WebContext, signed_in
from biovista.web.management.groups import groups_section, register_groups

USER_COLUMNS = ("email", "role", "status")
UsersChange = Callable[[Session], str]


def admin_page(context: WebContext, principal: Principal) -> Any:
    if not principal.is_admin:  # accounts and jobs are for server admins; groups for all
        with signed_in(context) as (session, caller):
            return dmc.Stack([groups_section(session, caller)])
    with signed_in(context) as (session, _):
        accounts = _accounts(session)
        jobs = _jobs(session, principal)
        groups = groups_section(session, principal)
    return dmc.Stack([_users_section(accounts), groups, _jobs_section(jobs)])


def register_admin(app: Dash, context: WebContext) -> None:
    register_groups(app, context)
    outputs = (
        Output("admin-users", "rowData", allow_duplicate=True),
        Output("admin-pick-user", "data", allow_duplicate=True),
        Output("admin-users-message", "children", allow_duplicate=True),
    )

    @app.callback(
        *outputs,
        Input("admin-create-user", "n_clicks"),
        State("admin-new-email", "value"),
        State("admin-new-password", "value"),
        State("admin-new-role", "value"),
        prevent_initial_call=True,
    )
    def create(
        clicked: int | None, email: str | None, password: str | None, role: str | None
    ) -> Any:
        def change(session: Session) -> str:
            made = users.create_user(session, email or "", password or "", role or "user")
            return f"Created {made.email} ({made.role})."

        return _change_users(context, change) if clicked else (no_update,) * 3

    @app.callback(
        *outputs,
        Input("admin-set-role", "n_clicks"),
        State("admin-pick-user", "value"),
        State("admin-pick-role", "value"),
        prevent_initial_call=True,
    )
    def set_role(clicked: int | None, email: str | None, role: str | None) -> Any:
        def change(session: Session) -> str:
            changed = users.set_role(session, _chosen(email), role or "user")
            return f"{changed.email} is now {changed.role}."

        return _change_users(context, change) if clicked else (no_update,) * 3

    @app.callback(
        *outputs,
        Input("admin-disable", "n_clicks"),
        State("admin-pick-user", "value"),
        prevent_initial_call=True,
    )
    def disable(clicked: int | None, email: str | None) -> Any:
        def change(session: Session) -> str:
            return f"{users.disable_user(session, _chosen(email)).email} is disabled."

        return _change_users(context, change) if clicked else (no_update,) * 3


@contextmanager
def _as_admin(context: WebContext) -> Iterator[Session]:
    with signed_in(context) as (session, principal):
        principal.require_admin()
        yield session


def _change_users(context: WebContext, change: UsersChange) -> tuple[Any, Any, Any]:
    """Make one change to accounts; then the grid as it now is and what happened."""
    try:
        with _as_admin(context) as session:
            message = dmc.Text(change(session), c="green", size="sm", id="admin-users-done")
    except BiovistaError as exc:
        message = dmc.Alert(str(exc), color="red", id="admin-users-error")
    try:
        with _as_admin(context) as session:
            accounts = _accounts(session)
    except BiovistaError:
        return no_update, no_update, message
    return accounts, [a["email"] for a in accounts], message


def _chosen(email: str | None) -> str:
    if not email:
        raise InvalidInputError("choose a user first")
    return email


def _accounts(session: Session) -> list[dict[str, Any]]:
    return [
        {"email": u.email, "role": u.role, "status": "disabled" if u.disabled else "active"}
        for u in users.list_users(session, after=None, limit=1000)
    ]


def _jobs(session: Session, principal: Principal) -> list[dict[str, Any]]:
    return [
        {
            "project": project.name,
            "status": j.status,
            "started": str(j.created_at)[:19],
            "finished": str(j.finished_at or "")[:19],
        }
        for project in visible_projects(session, principal)
        for j in ingest_jobs.list_ingestions(session, principal, project.name, limit=20)
    ]


def _users_section(accounts: list[dict[str, Any]]) -> Any:
    roles = list(users.ROLES)
    return dmc.Stack(
        [
            dmc.Title("Users", order=4),
            dag.AgGrid(
                id="admin-users",
                rowData=accounts,
                columnDefs=[{"field": f} for f in USER_COLUMNS],
                getRowId="params.data.email",
                style={"height": "260px"},
            ),
            dmc.Group(
                [
                    dmc.TextInput(id="admin-new-email", label="E-mail"),
                    dmc.PasswordInput(
                        id="admin-new-password",
                        label="Password",
                        autoComplete="new-password",
                        w=220,
                    ),
                    dmc.Select(id="admin-new-role", label="Role", data=roles, value="user", w=110),
                    dmc.Button("Create user", id="admin-create-user"),
                ],
                align="end",
            ),
            dmc.Group(
                [
                    dmc.Select(
                        id="admin-pick-user",
                        label="Account",
                        data=[a["email"] for a in accounts],
                        searchable=True,
                        w=260,
                    ),
                    dmc.Select(id="admin-pick-role", label="Role", data=roles, value="user", w=110),
                    dmc.Button("Set role", id="admin-set-role", variant="light"),
                    dmc.Button("Disable", id="admin-disable", color="red", variant="light"),
                ],
                align="end",
            ),
            html.Div(id="admin-users-message"),
        ],
        gap="xs",
    )


def _jobs_section(jobs: list[dict[str, Any]]) -> Any:
    return dmc.Stack(
        [
            dmc.Title("Ingestion jobs", order=4),
            dag.AgGrid(
                id="admin-jobs",
                rowData=jobs,
                columnDefs=[{"field": f} for f in ("project", "status", "started", "finished")],
                style={"height": "260px"},
            ),
        ],
        gap="xs",
    )
