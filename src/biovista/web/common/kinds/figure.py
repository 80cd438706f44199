"""A chart: a graph the data callback fills, with its "n of N" badge and "Show all points"."""

from __future__ import annotations

from typing import Any, get_args

import dash_mantine_components as dmc
from dash import dcc, html

from biovista.models.dashboard import FigureKind, FilterState
from biovista.query.dashboard import DashboardData
from biovista.query.kinds import drawn_as_figure
from biovista.query.render import ComponentResult
from biovista.web.common import figures
from biovista.web.common.components import error_box
from biovista.web.common.kinds.base import DrawKind, Field, Form, HtmlExport

POINTS = ("x", "y", "color", "facet", "hover", "log_x", "log_y")
FIGURE_FIELDS: dict[str, tuple[str, ...]] = {
    "scatter": POINTS,
    "line": POINTS,
    "bar": ("x", "y", "color", "facet", "log_y"),
    "histogram": ("x", "color", "facet", "log_y"),
    "box": ("x", "y", "color", "log_y"),
    "violin": ("x", "y", "color", "log_y"),
    "heatmap": ("x", "y", "z"),
    "pie": ("x", "values"),
    "sunburst": ("path", "values"),
}
WIDGETS = (
    Field("x", "x axis", "column"),
    Field("y", "y axis", "column"),
    Field("z", "cell value (mean)", "column"),
    Field("color", "colour", "column"),
    Field("facet", "facet (small multiples)", "column"),
    Field("values", "sizes (sum; counts when empty)", "column"),
    Field("path", "rings, inner first", "columns"),
    Field("hover", "hover columns", "columns"),
    Field("log_x", "log x axis", "bool"),
    Field("log_y", "log y axis", "bool"),
)


def graph(component: Any, _: DashboardData, __: FilterState) -> Any:
    cid = component.id
    return html.Div(
        [
            dmc.Group(
                [
                    html.Span(id={"kind": "badge", "cid": cid}, className="bv-badge"),
                    dmc.Button(
                        "Show all points",
                        id={"kind": "full", "cid": cid},
                        size="compact-xs",
                        variant="light",
                        className="bv-full",
                    ),
                ],
                gap="xs",
            ),
            dcc.Graph(
                id={"kind": "graph", "cid": cid},
                config={"displaylogo": False},
                style={"height": "calc(100% - 28px)"},
            ),
        ],
        style={"height": "100%"},
    )


def filled(data: DashboardData, result: ComponentResult, dark: bool) -> tuple[Any, Any, Any]:
    """A rendered chart as the viewer's outputs: the figure, its badge, its button's style."""
    if result.error is not None:
        return {}, error_box(result.error), {"display": "none"}
    spec = data.figure_spec(result.id)
    figure = figures.build_figure(spec, result.value, dark)
    if not result.value.reduced:
        return figure, "", {"display": "none"}
    badge = dmc.Badge(
        figures.reduced_label(result.value), color="orange", variant="light", className="bv-reduced"
    )
    return figure, badge, {}


def preview(data: DashboardData, component: Any) -> Any:
    """The chart over all rows (a MultiQC plot as the chart its table's shape implies)."""
    chart = drawn_as_figure(component, data.opened.columns.get(component.collection, []))
    result = data.figure_for(chart, FilterState())
    shown = dcc.Graph(
        figure=figures.build_figure(chart, result), id="preview-graph", style={"height": "320px"}
    )
    return html.Div([dmc.Text(figures.reduced_label(result), size="xs"), shown])


def export(out: HtmlExport, data: DashboardData, component: Any, state: FilterState) -> str:
    result = data.figure(component.id, state, data.settings.max_points)
    figure = figures.build_figure(component, result)
    parts = [figure.to_html(full_html=False, include_plotlyjs=not out.plotly_included)]
    out.plotly_included = True
    if result.reduced:
        parts.append(f"<p><em>{figures.reduced_label(result)}</em></p>")
    return "".join(parts)


def fields(kind: str | None) -> tuple[str, ...]:
    return FIGURE_FIELDS.get(kind or "scatter", POINTS)


DRAW = DrawKind(
    "figure",
    graph,
    slots=("graph",),
    preview=preview,
    export=export,
    form=Form("kind", get_args(FigureKind), fields, WIDGETS),
)
