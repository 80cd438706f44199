"""The editor app (``/dashboard-edit/<id>``): add, edit, arrange, duplicate and delete
components, and organize them in tabs.

Only a signed-in editor of the dashboard's project gets anything here: every request is
checked by :mod:`biovista.web.common.callback_guard` before a callback runs, and each callback opens
the dashboard with :func:`~biovista.services.dashboards.open.require_editor` (public
dashboards and share links open the viewer, never the editor). Every change saves itself
through :mod:`biovista.services.dashboards.documents` (editor role, with the revision the page was
opened at, so two editors never silently overwrite each other).
Changes that alter the set of components reload the page at the same tab; moving, resizing
and retitling save in place.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs

import dash_mantine_components as dmc
import dash_snap_grid as dsg
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from pydantic import ValidationError

from biovista.auth.policy import ForbiddenError
from biovista.db.session import session_scope
from biovista.errors import BiovistaError, NotFoundError
from biovista.models.dashboard import DashboardSpec, FilterState, with_layout
from biovista.query.dashboard import OpenedDashboard
from biovista.services.dashboards import documents as dashboards
from biovista.services.dashboards.open import require_editor
from biovista.web.common.components import ROW_HEIGHT
from biovista.web.common.cookie_auth import WebContext, current_principal
from biovista.web.common.shell import new_app, page_shell
from biovista.web.editor import form
from biovista.web.editor.preview import preview
from biovista.web.editor.spec import (
    changed_tabs,
    new_id,
    placed,
    problem_text,
    with_positions,
)
from biovista.web.viewer.app import parse_path, register_data_callbacks, render_page

CELL = "cell-"  # grid cells are keyed by element id: the component's id, prefixed
FIELD_STATES = [
    State({"kind": "field", "name": ALL}, "id"),
    State({"kind": "field", "name": ALL}, "value"),
    State({"kind": "flag", "name": ALL}, "id"),
    State({"kind": "flag", "name": ALL}, "checked"),
]


def build_editor(context: WebContext) -> Dash:
    app = new_app("editor", "/dashboard-edit/", context, editors_only=True)
    app.layout = page_shell(
        [
            dcc.Store(id="ref"),
            dcc.Store(id="state"),
            dcc.Store(id="revision"),
            html.Div(id="page"),
        ]
    )
    _register_page(app, context)
    _register_changes(app, context)
    _register_form(app, context)
    register_data_callbacks(app, context, opener=open_for_edit)
    return app


def open_for_edit(context: WebContext, ref: dict[str, Any] | None) -> OpenedDashboard:
    """The dashboard ``ref`` names, for an editor of its project (by id, never by link)."""
    if not ref or not ref.get("id") or ref.get("link"):
        raise NotFoundError("no dashboard was named")
    return require_editor(context.settings, current_principal(context), uuid.UUID(ref["id"]))


def _tab_from(search: str | None) -> int:
    values = parse_qs((search or "").lstrip("?")).get("tab", ["0"])
    return int(values[0]) if values[0].isdigit() else 0


def _reload(opened: OpenedDashboard, tab: int) -> str:
    return f"/dashboard-edit/{opened.id}?tab={tab}"


def _save(
    context: WebContext, opened: OpenedDashboard, spec: DashboardSpec, revision: int, title: str
) -> int:
    principal = current_principal(context)
    if principal is None:
        raise NotFoundError("sign in again to save")
    with session_scope(context.settings.resolved_database_url) as session:
        saved = dashboards.update_dashboard(
            session, principal, opened.id, title, spec.model_dump(mode="json"), revision
        )
        return saved.revision


def _failed(exc: Exception) -> Any:
    return dmc.Alert(problem_text(exc), color="red", id="save-error", mb="sm")


def _saved() -> Any:
    return dmc.Text("all changes saved", size="xs", c="dimmed", id="saved")


def _register_page(app: Dash, context: WebContext) -> None:
    @app.callback(
        Output("page", "children"),
        Output("ref", "data"),
        Output("revision", "data"),
        Output("state", "data"),
        Input("url", "pathname"),
        State("url", "search"),
    )
    def page(pathname: str | None, search: str | None) -> tuple[Any, Any, Any, Any]:
        """The editor shows the unfiltered data; setting the state fills the components."""
        dashboard_id, _ = parse_path(pathname)
        ref = {"id": str(dashboard_id) if dashboard_id else None, "link": None}
        try:
            opened = open_for_edit(context, ref)
        except (NotFoundError, ForbiddenError):
            opened = None
        if opened is None:
            missing = dmc.Alert(
                "There is no dashboard here that you may edit.", color="gray", id="not-found"
            )
            return missing, no_update, no_update, no_update
        empty = FilterState().model_dump(mode="json")
        return editor_page(context, opened, _tab_from(search)), ref, opened.revision, empty


def _register_changes(app: Dash, context: WebContext) -> None:
    @app.callback(
        Output("redirect", "href"),
        Output("save-status", "children"),
        Input({"kind": "delete", "cid": ALL}, "n_clicks"),
        Input({"kind": "duplicate", "cid": ALL}, "n_clicks"),
        Input("add-tab", "n_clicks"),
        Input("rename-tab", "n_clicks"),
        Input("confirm-delete-tab", "submit_n_clicks"),
        State("ref", "data"),
        State("revision", "data"),
        State("tabs", "value"),
        State("tab-name", "value"),
        prevent_initial_call=True,
    )
    def change(*args: Any) -> tuple[Any, Any]:
        ref, revision, tab, tab_name = args[-4:]
        trigger = ctx.triggered_id
        if not ctx.triggered[0]["value"]:
            return no_update, no_update  # a button appearing, not a click
        try:
            opened = open_for_edit(context, ref)
            spec, shown = changed_tabs(opened.spec, trigger, int(tab or 0), tab_name)
            _save(context, opened, spec, revision, opened.title)
        except (BiovistaError, ValidationError) as exc:
            return no_update, _failed(exc)
        return _reload(opened, shown), _saved()

    @app.callback(
        Output("revision", "data", allow_duplicate=True),
        Output("save-status", "children", allow_duplicate=True),
        Input({"kind": "layout-grid", "tab": ALL}, "layout"),
        Input("title-input", "value"),
        State("ref", "data"),
        State("revision", "data"),
        prevent_initial_call=True,
    )
    def in_place(_: Any, title: str | None, ref: Any, revision: int) -> tuple[Any, Any]:
        """Moves, resizes and a new title save without reloading the page."""
        if ctx.triggered_id != "title-input" and not isinstance(ctx.triggered_id, dict):
            return no_update, no_update  # nothing moved
        opened = open_for_edit(context, ref)
        spec, new_title = opened.spec, opened.title
        if ctx.triggered_id == "title-input":
            new_title = (title or "").strip() or opened.title
        else:
            moved = [
                item | {"i": item["i"].removeprefix(CELL)}
                for item in ctx.triggered[0]["value"] or []
            ]
            spec = with_positions(spec, ctx.triggered_id["tab"], moved)
        if spec == opened.spec and new_title == opened.title:
            return no_update, no_update
        try:
            saved = _save(context, opened, spec, revision, new_title)
        except BiovistaError as exc:
            return no_update, _failed(exc)
        return saved, _saved()


def _register_form(app: Dash, context: WebContext) -> None:
    @app.callback(
        Output("confirm-delete-tab", "displayed"),
        Input("delete-tab", "n_clicks"),
        prevent_initial_call=True,
    )
    def ask_before_deleting_a_tab(_: Any) -> bool:
        return True

    @app.callback(
        Output("form-modal", "opened"),
        Output("form-modal", "title"),
        Output("form-target", "data"),
        Output("form-type", "value"),
        Output("form-collection", "value"),
        Output("form-kind", "value"),
        Output("form-title", "value"),
        Output("form-tab", "value"),
        Output("form-prefill", "data"),
        Output("form-save", "children"),
        Output("form-error", "children", allow_duplicate=True),
        Input("add-component", "n_clicks"),
        Input({"kind": "edit", "cid": ALL}, "n_clicks"),
        Input("form-cancel", "n_clicks"),
        State("ref", "data"),
        State("tabs", "value"),
        State("form-collection", "value"),
        prevent_initial_call=True,
    )
    def open_form(*args: Any) -> tuple[Any, ...]:
        ref, tab, collection = args[-3:]
        if not ctx.triggered[0]["value"]:
            return (no_update,) * 11
        if ctx.triggered_id == "form-cancel":
            return (False,) + (no_update,) * 10
        if ctx.triggered_id == "add-component":
            empty: dict[str, Any] = {"fields": {}}
            head = (True, "Add a component", None, "figure", collection, "scatter", "")
            return (*head, tab or "0", empty, "Add to dashboard", None)
        opened = open_for_edit(context, ref)
        cid = ctx.triggered_id["cid"]
        component = opened.spec.component(cid)
        if component is None:
            return (no_update,) * 11
        values = form.values_of(component)
        where = next(str(n) for n, t in enumerate(opened.spec.tabs) if component in t.components)
        edit = (True, f"Edit {cid}", cid, values["type"], values["collection"], values["kind"])
        return (*edit, values["title"], where, values, "Save changes", None)

    @app.callback(
        Output("form-kind", "data"),
        Output("form-kind", "value", allow_duplicate=True),
        Output("form-kind", "display"),
        Output("form-collection", "disabled"),
        Input("form-type", "value"),
        State("form-kind", "value"),
        prevent_initial_call=True,
    )
    def kinds(kind_of: str | None, kind: str | None) -> tuple[Any, ...]:
        _, choices = form.kind_choices(kind_of)
        # Always set the kind: the fields callback follows it (not the type), so it runs once,
        # after this one, whatever opened or changed the form.
        chosen = kind if kind in choices else (choices[0] if choices else None)
        return choices, chosen, "block" if choices else "none", kind_of == "text"

    @app.callback(
        Output("form-fields", "children"),
        Input("form-kind", "value"),
        Input("form-collection", "value"),
        Input("form-prefill", "data"),
        State("form-type", "value"),
        State("ref", "data"),
        *FIELD_STATES,
        prevent_initial_call=True,
    )
    def fields(kind: str, collection: str, prefill: Any, kind_of: str, ref: Any, *now: Any) -> Any:
        """Show the settings this type and kind use, keeping what was already chosen."""
        current = form.collected(*now)
        names = form.fields_for(kind_of, kind)
        triggers = set(ctx.triggered_prop_ids.values())
        if set(names) == set(current) and not triggers & {"form-collection", "form-prefill"}:
            return no_update  # same inputs: keep them, and what is being typed in them
        # The settings of the component being edited stay the fallback while the form is
        # open: Dash may run this twice when the form opens, the second time with stale state.
        filled = {k: v for k, v in current.items() if v not in (None, "", [], False)}
        chosen = {**(prefill or {}).get("fields", {}), **filled}
        columns = open_for_edit(context, ref).columns.get(collection or "", [])
        return form.field_inputs(names, columns, chosen)

    @app.callback(
        Output("form-preview", "children"),
        Input({"kind": "field", "name": ALL}, "value"),
        Input({"kind": "flag", "name": ALL}, "checked"),
        Input("form-kind", "value"),
        State("form-title", "value"),
        State("form-type", "value"),
        State("form-collection", "value"),
        State("form-target", "data"),
        State("ref", "data"),
        *FIELD_STATES,
        prevent_initial_call=True,
    )
    def live_preview(*args: Any) -> Any:
        _, _, kind, title, kind_of, collection, target, ref = args[:8]
        opened = open_for_edit(context, ref)
        document = form.document(
            kind_of, target or "preview", collection, kind, title, form.collected(*args[8:])
        )
        return preview(context, opened, document)

    @app.callback(
        Output("redirect", "href", allow_duplicate=True),
        Output("form-error", "children"),
        Input("form-save", "n_clicks"),
        State("form-type", "value"),
        State("form-collection", "value"),
        State("form-kind", "value"),
        State("form-title", "value"),
        State("form-target", "data"),
        State("form-tab", "value"),
        State("ref", "data"),
        State("revision", "data"),
        *FIELD_STATES,
        prevent_initial_call=True,
    )
    def save_component(clicks: Any, *args: Any) -> tuple[Any, Any]:
        if not clicks:
            return no_update, no_update  # the form appearing, not a click
        kind_of, collection, kind, title, target, tab, ref, revision = args[:8]
        try:
            opened = open_for_edit(context, ref)
            cid = target or new_id(opened.spec, kind_of)
            values = form.collected(*args[8:])
            component = form.build(form.document(kind_of, cid, collection, kind, title, values))
            spec = with_layout(placed(opened.spec, component, target, int(tab or 0)))
            _save(context, opened, spec, revision, opened.title)
        except (BiovistaError, ValidationError) as exc:
            return no_update, _failed(exc)
        return _reload(opened, int(tab or 0)), None


def editor_page(context: WebContext, opened: OpenedDashboard, tab: int) -> Any:
    viewer = render_page(context, opened, FilterState(), arrange=editable_grid, tab=tab)
    names = [t.name for t in opened.spec.tabs]
    toolbar = dmc.Paper(
        dmc.Group(
            [
                dmc.TextInput(
                    id="title-input", value=opened.title, label="Title", w=260, debounce=600
                ),
                dmc.Button("Add component", id="add-component", mt="lg"),
                dmc.TextInput(id="tab-name", label="Tab name", w=160),
                dmc.Button("Add tab", id="add-tab", variant="default", mt="lg"),
                dmc.Button("Rename tab", id="rename-tab", variant="default", mt="lg"),
                dmc.Button("Delete tab", id="delete-tab", variant="default", color="red", mt="lg"),
                dcc.ConfirmDialog(
                    id="confirm-delete-tab",
                    message="Delete this tab and every component on it?",
                ),
                dmc.Anchor(
                    "View dashboard",
                    href=f"/dashboard/{opened.id}",
                    refresh=True,
                    id="view-link",
                    mt="lg",
                ),
                html.Div(id="save-status", style={"marginTop": "24px"}),
            ],
            align="start",
        ),
        withBorder=True,
        p="sm",
        mb="md",
    )
    modal = form.form_modal(sorted(opened.table_keys), names)
    return html.Div([toolbar, modal, viewer])


def editable_grid(tab: int, cards: list[tuple[Any, Any]]) -> Any:
    """The grid the editor drags and resizes on; its layout is saved as it changes."""
    layout = [
        {"i": CELL + c.id, "x": c.layout.x, "y": c.layout.y, "w": c.layout.w, "h": c.layout.h}
        for c, _ in cards
        if c.layout
    ]
    sizes = ("lg", "md", "sm", "xs", "xxs")
    return dsg.ResponsiveGrid(
        id={"kind": "layout-grid", "tab": tab},
        children=[html.Div(element, id=CELL + c.id, className="bv-cell") for c, element in cards],
        layouts=dict.fromkeys(sizes, layout),
        cols=dict.fromkeys(sizes, 12),
        rowHeight=ROW_HEIGHT,
        draggableHandle=".bv-handle",
        compactType="vertical",
    )
