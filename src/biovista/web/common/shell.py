"""What the three web apps share: the Dash app factory, the page frame, theme and grid."""

from __future__ import annotations

from typing import Any

import dash_mantine_components as dmc
from dash import Dash, Input, Output, State, dcc, html

from biovista.web.common import callback_guard
from biovista.web.common import cookie_auth as session
from biovista.web.common.components import ROW_HEIGHT
from biovista.web.common.cookie_auth import WebContext, current_principal

CSS = """
.bv-card { height: 100%; display: flex; flex-direction: column; overflow: hidden; }
.bv-body { flex: 1; min-height: 0; overflow: auto; }
.bv-grid { display: grid; grid-template-columns: repeat(12, 1fr); gap: 10px;
           grid-auto-rows: ROW_HEIGHTpx; }
.bv-gallery { display: flex; flex-wrap: wrap; gap: 8px; }
.bv-gallery img { height: 120px; border-radius: 4px; cursor: zoom-in; }
.bv-handle { cursor: move; }
.bv-cell { height: 100%; }
""".replace("ROW_HEIGHT", str(ROW_HEIGHT))


def new_app(name: str, prefix: str, context: WebContext, *, editors_only: bool = False) -> Dash:
    """A Dash app served below ``prefix`` by the API process (through WSGI); every callback
    request is checked before it runs (``editors_only``: the editor's sign-in and edit right)."""
    app = Dash(
        f"biovista-{name}",
        requests_pathname_prefix=prefix,
        routes_pathname_prefix="/",
        suppress_callback_exceptions=True,
        title="biovista",
        serve_locally=True,
    )
    app.index_string = app.index_string.replace("</head>", f"<style>{CSS}</style></head>")
    session.install(app.server)
    callback_guard.install(app, context, editors_only=editors_only)
    _theme_callbacks(app)
    _account_callbacks(app, context)
    return app


def page_shell(content: list[Any]) -> Any:
    """Header (home, theme, account) around a page; the theme is kept in the browser."""
    header = dmc.Group(
        [
            dmc.Anchor(dmc.Title("biovista", order=4), href="/", refresh=True, underline="never"),
            dmc.Group(
                [
                    html.Span(id="who", className="bv-who"),
                    dmc.Button("Dark", id="theme-toggle", variant="subtle", size="xs"),
                    dmc.Button(
                        "Sign out",
                        id="logout",
                        variant="subtle",
                        size="xs",
                        style={"display": "none"},
                    ),
                ],
                gap="xs",
            ),
        ],
        justify="space-between",
        px="md",
        py="xs",
        style={"borderBottom": "1px solid var(--mantine-color-default-border)"},
    )
    return dmc.MantineProvider(
        [
            dcc.Location(id="url", refresh="callback-nav"),
            dcc.Location(id="redirect", refresh=True),
            dcc.Store(id="theme", storage_type="local"),
            dcc.Store(id="grid-kick"),
            header,
            html.Div(content, style={"padding": "12px 16px"}),
        ],
        id="provider",
        forceColorScheme="light",
    )


def static_grid(cards: list[tuple[Any, Any]]) -> Any:
    """The read-only grid: CSS grid placement from each component's layout."""
    placed = []
    for component, element in cards:
        layout = component.layout
        style = (
            {
                "gridColumn": f"{layout.x + 1} / span {layout.w}",
                "gridRow": f"{layout.y + 1} / span {layout.h}",
            }
            if layout
            else {"gridColumn": "span 6", "gridRow": "span 6"}
        )
        placed.append(html.Div(element, style=style))
    return html.Div(placed, className="bv-grid")


def _theme_callbacks(app: Dash) -> None:
    @app.callback(
        Output("provider", "forceColorScheme"),
        Output("theme-toggle", "children"),
        Input("theme", "data"),
    )
    def apply_theme(theme: str | None) -> tuple[str, str]:
        dark = theme == "dark"
        return ("dark" if dark else "light"), ("Light" if dark else "Dark")

    @app.callback(
        Output("theme", "data"),
        Input("theme-toggle", "n_clicks"),
        State("theme", "data"),
        prevent_initial_call=True,
    )
    def toggle(_: int | None, theme: str | None) -> str:
        return "light" if theme == "dark" else "dark"


def _account_callbacks(app: Dash, context: WebContext) -> None:
    @app.callback(Output("who", "children"), Output("logout", "style"), Input("url", "pathname"))
    def who(_: str | None) -> tuple[Any, Any]:
        if context.settings.single_user:
            return dmc.Badge("single-user mode", color="yellow"), {"display": "none"}
        principal = current_principal(context)
        if principal is None:
            return dmc.Anchor("Sign in", href="/login", refresh=True), {"display": "none"}
        return dmc.Text(session.user_label(context, principal), size="sm"), {}

    @app.callback(
        Output("redirect", "href", allow_duplicate=True),
        Input("logout", "n_clicks"),
        prevent_initial_call=True,
    )
    def logout(_: int | None) -> str:
        session.log_out(context)
        return "/login"
