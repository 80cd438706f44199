"""The editor app (``/dashboard-edit/<id>``): add, arrange, duplicate and delete components.

Every change saves itself through :mod:`biovista.services.dashboards` (editor role, with
the revision the page was opened at, so two editors never silently overwrite each other).
"""

from __future__ import annotations

from typing import Any, get_args

import dash_mantine_components as dmc
import dash_snap_grid as dsg
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update
from pydantic import TypeAdapter, ValidationError

from biovista.db.session import session_scope
from biovista.errors import BiovistaError, NotFoundError
from biovista.models.dashboard import (
    Component,
    ComponentType,
    DashboardSpec,
    FigureKind,
    FilterKind,
    FilterState,
    GridPosition,
    MetricAgg,
    Tab,
    with_layout,
)
from biovista.services import dashboards
from biovista.services.dashboard_view import DashboardData, OpenedDashboard
from biovista.web import components, figures
from biovista.web.components import ROW_HEIGHT
from biovista.web.session import WebContext, current_principal
from biovista.web.shell import new_app, page_shell
from biovista.web.viewer import open_from, parse_path, register_data_callbacks, render_page

COMPONENT = TypeAdapter(Component)
FIELDS = ["x", "y", "color", "column"]


def build_editor(context: WebContext) -> Dash:
    app = new_app("editor", "/dashboard-edit/", context)
    app.layout = page_shell(
        [
            dcc.Store(id="ref"),
            dcc.Store(id="state"),
            dcc.Store(id="revision"),
            html.Div(id="save-status"),
            html.Div(id="page"),
        ]
    )
    _register(app, context)
    register_data_callbacks(app, context)
    return app


def _register(app: Dash, context: WebContext) -> None:
    @app.callback(
        Output("page", "children"),
        Output("ref", "data"),
        Output("revision", "data"),
        Input("url", "pathname"),
    )
    def page(pathname: str | None) -> tuple[Any, Any, Any]:
        dashboard_id, _ = parse_path(pathname)
        ref = {"id": str(dashboard_id) if dashboard_id else None, "link": None}
        try:
            opened = open_from(context, ref) if dashboard_id else None
        except NotFoundError:
            opened = None
        if opened is None or not opened.can_edit:
            return (
                dmc.Alert(
                    "There is no dashboard here that you may edit.", color="gray", id="not-found"
                ),
                no_update,
                no_update,
            )
        return editor_page(context, opened), ref, opened.revision

    @app.callback(
        Output("preview", "children"),
        Input("preview-button", "n_clicks"),
        State("ref", "data"),
        *_wizard_states(),
        prevent_initial_call=True,
    )
    def preview(_: int | None, ref: Any, *values: Any) -> Any:
        try:
            opened = open_from(context, ref)
            component = _new_component(opened, *values)
            return _render_one(context, opened, component)
        except (BiovistaError, ValidationError) as exc:
            return components.error_box(
                exc if isinstance(exc, BiovistaError) else BiovistaError(_short(exc))
            )

    @app.callback(
        Output("wizard-columns", "children"),
        Input("new-collection", "value"),
        Input("new-type", "value"),
        State("ref", "data"),
    )
    def column_fields(collection: str | None, kind: str | None, ref: Any) -> Any:
        if not ref or not collection:
            return no_update
        opened = open_from(context, ref)
        names = list(opened.columns.get(collection, []))
        return _column_selects(names, kind)

    @app.callback(
        Output("redirect", "href"),
        Output("save-status", "children"),
        Input("add-component", "n_clicks"),
        Input({"kind": "delete", "cid": ALL}, "n_clicks"),
        Input({"kind": "duplicate", "cid": ALL}, "n_clicks"),
        Input("add-tab", "n_clicks"),
        State("ref", "data"),
        State("revision", "data"),
        State("tabs", "value"),
        State("new-tab", "value"),
        *_wizard_states(),
        prevent_initial_call=True,
    )
    def change(
        add: Any,
        deletes: Any,
        dups: Any,
        add_tab: Any,
        ref: Any,
        revision: int,
        tab: str | None,
        tab_name: str | None,
        *values: Any,
    ) -> tuple[Any, Any]:
        trigger = ctx.triggered_id
        if isinstance(trigger, dict) and not ctx.triggered[0]["value"]:
            return no_update, no_update  # a button appearing, not a click
        try:
            opened = open_from(context, ref)
            spec = _changed(opened, trigger, int(tab or 0), tab_name, values)
            _save(context, opened, spec, revision)
        except (BiovistaError, ValidationError) as exc:
            text = str(exc) if isinstance(exc, BiovistaError) else _short(exc)
            return no_update, dmc.Alert(text, color="red", id="save-error")
        return f"/dashboard-edit/{opened.id}", ""

    @app.callback(
        Output("revision", "data", allow_duplicate=True),
        Output("save-status", "children", allow_duplicate=True),
        Input({"kind": "layout-grid", "tab": ALL}, "layout"),
        State("ref", "data"),
        State("revision", "data"),
        prevent_initial_call=True,
    )
    def moved(layouts: list[Any], ref: Any, revision: int) -> tuple[Any, Any]:
        opened = open_from(context, ref)
        tab = ctx.triggered_id["tab"]
        spec = _with_positions(opened.spec, tab, ctx.triggered[0]["value"] or [])
        if spec == opened.spec:
            return no_update, no_update
        try:
            saved = _save(context, opened, spec, revision)
        except BiovistaError as exc:
            return no_update, dmc.Alert(str(exc), color="red", id="save-error")
        return saved, dmc.Text("saved", size="xs", c="dimmed", id="saved")


def _wizard_states() -> list[State]:
    return [
        State("new-type", "value"),
        State("new-collection", "value"),
        State("new-kind", "value"),
        State("new-title", "value"),
        State("new-markdown", "value"),
        *[State({"kind": "field", "name": n}, "value") for n in FIELDS],
    ]


def _short(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())


def _new_component(
    opened: OpenedDashboard,
    kind: str | None,
    collection: str | None,
    sub: str | None,
    title: str | None,
    markdown: str | None,
    *fields: Any,
) -> Any:
    taken = {c.id for c in opened.spec.components()}
    number = len(taken) + 1
    while f"{kind}-{number}" in taken:
        number += 1
    document: dict[str, Any] = {"type": kind, "id": f"{kind}-{number}", "title": title or ""}
    if kind != "text":
        document["collection"] = collection
    if kind == "text":
        document["markdown"] = markdown or ""
    elif kind == "figure":
        document["kind"] = sub or "scatter"
    elif kind == "metric":
        document["agg"] = sub or "count"
    elif kind == "filter":
        document["kind"] = sub or "multiselect"
    for name, value in zip(FIELDS, fields, strict=False):
        if value:
            document[name] = value
    if kind in ("table", "image", "multiqc"):
        document.pop("x", None), document.pop("y", None), document.pop("color", None)
    if kind not in ("metric", "filter", "image"):
        document.pop("column", None)
    if kind in ("metric", "filter"):
        document.pop("x", None), document.pop("y", None), document.pop("color", None)
    return COMPONENT.validate_python(document)


def _changed(
    opened: OpenedDashboard, trigger: Any, tab: int, tab_name: str | None, values: tuple[Any, ...]
) -> DashboardSpec:
    tabs = [t.model_copy(deep=True) for t in opened.spec.tabs]
    if trigger == "add-tab":
        tabs.append(Tab(name=(tab_name or f"Tab {len(tabs) + 1}").strip()))
    elif trigger == "add-component":
        tabs[tab].components.append(_new_component(opened, *values))
    elif isinstance(trigger, dict):
        for t in tabs:
            for n, c in enumerate(t.components):
                if c.id != trigger["cid"]:
                    continue
                if trigger["kind"] == "delete":
                    del t.components[n]
                else:
                    copy = _new_component(
                        opened, c.type, getattr(c, "collection", None), None, None, None
                    )
                    t.components.insert(n + 1, c.model_copy(update={"id": copy.id, "layout": None}))
                break
    return with_layout(opened.spec.model_copy(update={"tabs": tabs}))


def _with_positions(spec: DashboardSpec, tab: int, layout: list[dict[str, Any]]) -> DashboardSpec:
    where = {item["i"]: item for item in layout}
    tabs = [t.model_copy(deep=True) for t in spec.tabs]
    for component in tabs[tab].components:
        item = where.get(component.id)
        if item:
            component.layout = GridPosition(
                x=int(item["x"]), y=int(item["y"]), w=int(item["w"]), h=int(item["h"])
            )
    return spec.model_copy(update={"tabs": tabs})


def _save(context: WebContext, opened: OpenedDashboard, spec: DashboardSpec, revision: int) -> int:
    principal = current_principal(context)
    if principal is None:
        raise NotFoundError("sign in again to save")
    with session_scope(context.settings.resolved_database_url) as session:
        saved = dashboards.update_dashboard(
            session, principal, opened.id, opened.title, spec.model_dump(mode="json"), revision
        )
        return saved.revision


def _render_one(context: WebContext, opened: OpenedDashboard, component: Any) -> Any:
    data = DashboardData(context.settings, opened)
    state = FilterState()
    if component.type == "figure":
        result = data.figure_for(component, state)
        return dcc.Graph(figure=figures.build_figure(component, result), id="preview-graph")
    if component.type == "metric":
        value = data.metric_for(component, state)
        return html.Div(components.metric_card(value, value, component.unit), id="preview-metric")
    return components.body(component, data, state)


def editor_page(context: WebContext, opened: OpenedDashboard) -> Any:
    viewer = render_page(context, opened, FilterState(), arrange=editable_grid)
    collections = sorted(opened.table_keys)
    wizard = dmc.Paper(
        dmc.Stack(
            [
                dmc.Text("Add a component", fw=700),
                dmc.Group(
                    [
                        dmc.Select(
                            id="new-type",
                            label="Type",
                            data=list(get_args(ComponentType)),
                            value="figure",
                            w=130,
                        ),
                        dmc.Select(
                            id="new-collection",
                            label="Collection",
                            data=collections,
                            value=collections[0] if collections else None,
                            w=170,
                        ),
                        dmc.Select(
                            id="new-kind",
                            label="Kind / aggregate",
                            w=150,
                            clearable=True,
                            data=sorted(
                                {*get_args(FigureKind), *get_args(MetricAgg), *get_args(FilterKind)}
                            ),
                        ),
                        dmc.TextInput(id="new-title", label="Title", w=160),
                    ],
                    align="end",
                ),
                html.Div(id="wizard-columns"),
                dmc.Textarea(id="new-markdown", label="Markdown (text components)", autosize=True),
                dmc.Group(
                    [
                        dmc.Button("Preview", id="preview-button", variant="light"),
                        dmc.Button("Add to dashboard", id="add-component"),
                    ]
                ),
                html.Div(id="preview"),
                dmc.Group(
                    [
                        dmc.TextInput(id="new-tab", placeholder="new tab name"),
                        dmc.Button("Add tab", id="add-tab", variant="default"),
                    ]
                ),
                dmc.Anchor(
                    "View dashboard", href=f"/dashboard/{opened.id}", refresh=True, id="view-link"
                ),
            ]
        ),
        withBorder=True,
        p="sm",
        mb="md",
    )
    return html.Div([wizard, viewer])


def _column_selects(names: list[str], kind: str | None) -> Any:
    labels = {"x": "x", "y": "y", "color": "colour", "column": "column (metric, filter, image)"}
    return dmc.Group(
        [
            dmc.Select(
                id={"kind": "field", "name": name},
                label=labels[name],
                data=names,
                clearable=True,
                searchable=True,
                w=170,
            )
            for name in FIELDS
        ]
    )


def editable_grid(tab: int, cards: list[tuple[Any, Any]]) -> Any:
    """The grid the editor drags and resizes on; its layout is saved as it changes."""
    layout = [
        {"i": c.id, "x": c.layout.x, "y": c.layout.y, "w": c.layout.w, "h": c.layout.h}
        for c, _ in cards
        if c.layout
    ]
    return dsg.ResponsiveGrid(
        id={"kind": "layout-grid", "tab": tab},
        children=[html.Div(element, key=c.id, id=f"cell-{c.id}") for c, element in cards],
        layout=layout,
        layouts={"lg": layout},
        cols={"lg": 12, "md": 12, "sm": 12, "xs": 12, "xxs": 12},
        rowHeight=ROW_HEIGHT,
        draggableHandle=".bv-handle",
        compactType="vertical",
    )
