"""The management app (``/``): sign in, then the home page (projects, dashboards, sharing)
and the admin page; this module only routes between them and wires their callbacks."""

from __future__ import annotations

from typing import Any

import dash_mantine_components as dmc
from dash import Dash, Input, Output, State, html, no_update

from biovista.errors import BiovistaError
from biovista.web.common.cookie_auth import WebContext, current_principal, log_in
from biovista.web.common.shell import new_app, page_shell
from biovista.web.management.admin import admin_page, register_admin
from biovista.web.management.home import home_page, register_home
from biovista.web.management.pipelines import pipeline_page, register_pipelines
from biovista.web.management.samples import register_samples, samples_page
from biovista.web.management.sharing import register_sharing


def build_management(context: WebContext) -> Dash:
    app = new_app("management", "/", context)
    app.layout = page_shell([html.Div(id="page"), html.Div(id="notice")])
    _register(app, context)
    register_home(app, context)
    register_sharing(app, context)
    register_admin(app, context)
    register_samples(app, context)
    register_pipelines(app, context)
    return app


def _register(app: Dash, context: WebContext) -> None:
    @app.callback(Output("page", "children"), Input("url", "pathname"))
    def page(pathname: str | None) -> Any:
        principal = current_principal(context)
        if pathname == "/login" or principal is None:
            return login_page()
        if pathname == "/admin":
            return admin_page(context, principal)
        if (sampled := samples_page(context, principal, pathname)) is not None:
            return sampled
        if (pipelines := pipeline_page(context, principal, pathname)) is not None:
            return pipelines
        return home_page(context, principal)

    @app.callback(
        Output("redirect", "href"),
        Output("login-error", "children"),
        Input("login-submit", "n_clicks"),
        State("login-email", "value"),
        State("login-password", "value"),
        prevent_initial_call=True,
    )
    def submit_login(
        clicked: int | None, email: str | None, password: str | None
    ) -> tuple[Any, Any]:
        if not clicked:  # Dash also calls this when the form first appears
            return no_update, no_update
        try:
            log_in(context, email or "", password or "")
        except BiovistaError as exc:
            return no_update, str(exc)
        return "/", ""


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
