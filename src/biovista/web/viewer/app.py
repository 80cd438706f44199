"""The viewer app (``/dashboard/<id>``, ``/dashboard/shared/<token>``): read-only and fast.

Callbacks are thin: they open the dashboard with the caller's credential each time
(stateless, so any process can answer) and ask :mod:`biovista.services.dashboards.open`.
The filter state lives in the URL (``?state=``), so a view can be bookmarked and shared.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import dash_mantine_components as dmc
from dash import ALL, MATCH, Dash, Input, Output, State, ctx, dcc, html, no_update

from biovista.errors import InvalidInputError, NotFoundError
from biovista.models.dashboard import FilterState
from biovista.models.filter_state import decode_state, encode_state, next_state, state_version
from biovista.query.dashboard import DashboardData, OpenedDashboard
from biovista.query.kinds import kind_of
from biovista.query.render import render
from biovista.web.common import components
from biovista.web.common.cookie_auth import WebContext, current_principal
from biovista.web.common.grids import register_grid_kick
from biovista.web.common.kinds import Slot, draw_of, figure, metric, types_in
from biovista.web.common.opening import open_from
from biovista.web.common.shell import new_app, page_shell, static_grid
from biovista.web.viewer import gallery
from biovista.web.viewer.picture_links import register_picture_links


def parse_path(pathname: str | None) -> tuple[uuid.UUID | None, str | None]:
    """``/dashboard/<id>`` or ``/dashboard/shared/<token>``."""
    parts = [p for p in (pathname or "").split("/") if p]
    if len(parts) >= 3 and parts[1] == "shared":
        return None, parts[2]
    if len(parts) >= 2:
        try:
            return uuid.UUID(parts[1]), None
        except ValueError:
            return None, None
    return None, None


Opener = Callable[[WebContext, Any], OpenedDashboard]
MAX_ROWS = 1000
"""The most rows one grid request gets (a table's largest page size)."""


def build_viewer(context: WebContext) -> Dash:
    app = new_app("viewer", "/dashboard/", context)
    app.layout = page_shell([dcc.Store(id="ref"), dcc.Store(id="state"), html.Div(id="page")])
    _register(app, context)
    return app


def _register(app: Dash, context: WebContext) -> None:
    @app.callback(
        Output("page", "children"),
        Output("ref", "data"),
        Output("state", "data"),
        Input("url", "pathname"),
        State("url", "search"),
    )
    def page(pathname: str | None, search: str | None) -> tuple[Any, Any, Any]:
        dashboard_id, link = parse_path(pathname)
        ref = {"id": str(dashboard_id) if dashboard_id else None, "link": link}
        try:
            opened = open_from(context, ref)
        except NotFoundError:
            signed_in = current_principal(context) is not None
            hint = "" if signed_in else " Sign in to see dashboards shared with you."
            return (
                dmc.Alert(
                    f"There is no dashboard here, or you may not see it.{hint}",
                    title="Not found",
                    color="gray",
                    id="not-found",
                ),
                no_update,
                no_update,
            )
        state = decode_state(search)
        return render_page(context, opened, state), ref, state.model_dump()

    register_data_callbacks(app, context)
    register_picture_links(app)


def _next_state(previous: dict[str, Any] | None) -> tuple[Any, Any]:
    """The filter state after the control that fired; the URL follows it."""
    state = next_state(previous, ctx.triggered_id, ctx.triggered[0]["value"])
    return state.model_dump(), encode_state(state)


def render_page(
    context: WebContext,
    opened: OpenedDashboard,
    state: FilterState,
    arrange: Callable[[int, list[tuple[Any, Any]]], Any] | None = None,
    tab: int = 0,
) -> Any:
    """The dashboard's tabs and cards; the editor passes its draggable grid as ``arrange``."""
    editable = arrange is not None
    data = DashboardData(context.settings, opened, context.runtime.reads)
    tools = [dmc.Button("Reset filters", id="reset", variant="default", size="xs")]
    if opened.can_edit and not editable:
        tools.append(
            dmc.Anchor(
                dmc.Button("Edit", size="xs"),
                href=f"/dashboard-edit/{opened.id}",
                refresh=True,
                id="edit-link",
            )
        )
    if not opened.can_edit and not editable:
        tools.append(dmc.Badge("read-only", color="gray", id="read-only"))
    tools += [
        dmc.Anchor(
            "YAML", href=f"/dashboard/{opened.id}/export.yaml", refresh=True, id="export-yaml"
        ),
        dmc.Anchor(
            "HTML", href=f"/dashboard/{opened.id}/export.html", refresh=True, id="export-html"
        ),
        dmc.Anchor("PNG", href=f"/dashboard/{opened.id}/export.png", refresh=True, id="export-png"),
        dmc.Anchor("PDF", href=f"/dashboard/{opened.id}/export.pdf", refresh=True, id="export-pdf"),
    ]
    tabs = opened.spec.tabs
    panels = [
        dmc.TabsPanel(
            (arrange or _static)(
                n,
                [
                    (c, components.card(c, draw_of(c).body(c, data, state), editable))
                    for c in tab.components
                ],
            ),
            value=str(n),
        )
        for n, tab in enumerate(tabs)
    ]
    ready: dict[str, Any] = {"data-ready": "false"}  # "true" once the data callback answered
    return html.Div(
        [
            dmc.Group(
                [
                    dmc.Stack(
                        [
                            dmc.Title(opened.title, order=3, id="dashboard-title"),
                            dmc.Text(f"project {opened.project}", size="xs", c="dimmed"),
                        ],
                        gap=0,
                    ),
                    dmc.Group(tools, gap="xs"),
                ],
                justify="space-between",
                mb="sm",
            ),
            dmc.Tabs(
                [
                    dmc.TabsList([dmc.TabsTab(t.name, value=str(n)) for n, t in enumerate(tabs)]),
                    *panels,
                ],
                value=str(tab if 0 <= tab < len(tabs) else 0),
                id="tabs",
            ),
        ],
        id="dashboard-view",
        **ready,
    )


def _static(_: int, cards: list[tuple[Any, Any]]) -> Any:
    return static_grid(cards)


def register_data_callbacks(app: Dash, context: WebContext, opener: Opener = open_from) -> None:
    """Follow the filter controls and fill every data component: viewer and editor (whose
    ``opener`` asks for the edit right). They read saved components only, named by the ids
    of the outputs, which the caller chooses: an id the saved spec lacks is refused."""
    register_grid_kick(app)
    gallery.register_gallery_callbacks(app, context, opener)

    @app.callback(
        Output("state", "data", allow_duplicate=True),
        Output("url", "search"),
        Input({"kind": "filter", "cid": ALL}, "value"),
        Input({"kind": "filter-switch", "cid": ALL}, "checked"),
        Input({"kind": "graph", "cid": ALL}, "selectedData"),
        Input({"kind": "graph", "cid": ALL}, "clickData"),
        Input("reset", "n_clicks"),
        State("state", "data"),
        prevent_initial_call=True,
    )
    def update_state(*args: Any) -> tuple[Any, Any]:
        try:
            return _next_state(args[-1])
        except (AttributeError, KeyError, TypeError, IndexError) as exc:  # not what a page sends
            raise InvalidInputError("a filter or selection event of an unexpected shape") from exc

    @app.callback(
        Output({"kind": "graph", "cid": ALL}, "figure"),
        Output({"kind": "badge", "cid": ALL}, "children"),
        Output({"kind": "full", "cid": ALL}, "style"),
        Output({"kind": "metric", "cid": ALL}, "children"),
        Output({"kind": "table", "cid": ALL}, "children"),
        Output("dashboard-view", "data-ready"),
        Input("state", "data"),
        Input({"kind": "full", "cid": ALL}, "n_clicks"),
        State("ref", "data"),
        State("theme", "data"),
    )
    def refresh(state_data: Any, full_clicks: list[Any], ref: Any, theme: Any) -> tuple[Any, ...]:
        if not ref:
            return no_update, no_update, no_update, no_update, no_update, no_update
        opened = opener(context, ref)
        data = DashboardData(context.settings, opened, context.runtime.reads)
        state = FilterState.model_validate(state_data or {})
        graphs = _saved(opened, ctx.outputs_list[0], "graph")
        full = {
            o["id"]["cid"]: bool(n) for o, n in zip(ctx.inputs_list[1], full_clicks, strict=False)
        }
        metric_ids = _saved(opened, ctx.outputs_list[3], "metric")
        table_ids = _saved(opened, ctx.outputs_list[4], "table")
        rendered = render(
            context.settings,
            context.runtime.reads,
            opened,
            state,
            only=[*graphs, *metric_ids],
            full=[cid for cid, on in full.items() if on],
            data=data,
        ).results
        figure_results = [figure.filled(data, rendered[cid], theme == "dark") for cid in graphs]
        metrics = [metric.filled(data, rendered[cid]) for cid in metric_ids]
        version = state_version(state_data)
        tables = [_table(data, cid, version, state) for cid in table_ids]
        return (
            [f for f, _, _ in figure_results],
            [b for _, b, _ in figure_results],
            [s for _, _, s in figure_results],
            metrics,
            tables,
            "true",
        )

    @app.callback(
        Output({"kind": "grid", "cid": MATCH, "v": MATCH}, "getRowsResponse"),
        Input({"kind": "grid", "cid": MATCH, "v": MATCH}, "getRowsRequest"),
        State("state", "data"),
        State("ref", "data"),
    )
    def rows(request: Any, state_data: Any, ref: Any) -> Any:
        if not request or not ref:
            return no_update
        data = DashboardData(context.settings, opener(context, ref), context.runtime.reads)
        cid = ctx.outputs_list["id"]["cid"]  # the guard checked its shape
        start, count, sort = _grid_request(request)
        state = FilterState.model_validate(state_data or {})
        component = data.opened.spec.component(cid)
        if component is None:
            raise NotFoundError(f"no component {cid!r} in this dashboard")
        paged = kind_of(component).rows
        if paged is None:
            raise NotFoundError(f"no TableComponent {cid!r} in this dashboard")
        filters = request.get("filterModel") or None
        page, total = paged(data, component, state, start, count, sort, filters)
        return {"rowData": page.to_dicts(), "rowCount": total}


def _saved(opened: OpenedDashboard, outputs: list[Any], slot: Slot) -> list[str]:
    """The component ids of these outputs; each must be a saved component filling ``slot``."""
    ids = [o["id"]["cid"] for o in outputs]
    types = types_in(slot)
    for cid in ids:
        component = opened.spec.component(cid)
        if component is None or component.type not in types:
            raise NotFoundError(f"no {' or '.join(types)} component {cid!r} in this dashboard")
    return ids


def _grid_request(request: Any) -> tuple[int, int, list[tuple[str, bool]]]:
    """AG Grid's request for rows: first row, how many (at most MAX_ROWS), and the sort."""
    if not isinstance(request, dict):
        raise InvalidInputError("a grid request must be an object")
    try:
        start, end = int(request.get("startRow", 0)), int(request.get("endRow", 100))
        sort = [(str(s["colId"]), s["sort"] == "desc") for s in request.get("sortModel") or []]
    except (TypeError, ValueError, KeyError):
        raise InvalidInputError(
            "a grid request needs startRow, endRow and a sortModel list"
        ) from None
    if start < 0 or end < start:
        raise InvalidInputError(f"rows {start} to {end} are not a range")
    return start, min(end - start, MAX_ROWS), sort


def _table(data: DashboardData, cid: str, version: int, state: FilterState) -> Any:
    spec = data.opened.spec.component(cid)
    columns = list(getattr(spec, "columns", []) or data.opened.columns.get(spec.collection, []))
    shown = [c for c in columns if c != "_row"]
    page_size = getattr(spec, "page_size", 100)
    csv = (
        html.A(
            "Download CSV",
            href=f"/dashboard/{data.opened.id}/csv/{cid}{encode_state(state)}",
            className="bv-csv",
            id={"kind": "csv", "cid": cid},
        )
        if draw_of(spec).csv
        else None
    )
    return html.Div(
        [csv, components.table_grid(cid, shown, version, page_size)],
        style={"height": "calc(100% - 20px)"},
    )
