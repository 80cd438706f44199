"""A metric card: the number over the filtered rows and, when it differs, over all rows."""

from __future__ import annotations

from typing import Any, get_args

import dash_mantine_components as dmc
from dash import html

from biovista.models.dashboard import FilterState, MetricAgg
from biovista.query.dashboard import DashboardData
from biovista.query.render import ComponentResult
from biovista.web.common.components import error_box
from biovista.web.common.kinds.base import COLUMN, DrawKind, Field, Form, HtmlExport

WIDGETS = (
    COLUMN,
    Field("percentile", "percentile (0-100)", "number"),
    Field("unit", "unit", "text"),
)


def card(component: Any, _: DashboardData, __: FilterState) -> Any:
    return html.Div(id={"kind": "metric", "cid": component.id}, className="bv-metric")


def metric_card(value: Any, unfiltered: Any, unit: str) -> Any:
    shown = _number(value)
    parts = [
        dmc.Text(
            f"{shown}{(' ' + unit) if unit and value is not None else ''}",
            fz=28,
            fw=700,
            className="bv-metric-value",
        )
    ]
    if unfiltered != value:
        parts.append(
            dmc.Text(
                f"of {_number(unfiltered)} unfiltered",
                size="xs",
                c="dimmed",
                className="bv-metric-reference",
            )
        )
    return parts


def _number(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)


def filled(data: DashboardData, result: ComponentResult) -> Any:
    """A rendered metric as the viewer's card."""
    if result.error is not None:
        return error_box(result.error)
    unit = data.opened.spec.component(result.id).unit
    return metric_card(result.value.value, result.value.unfiltered, unit)


def preview(data: DashboardData, component: Any) -> Any:
    value = data.metric_for(component, FilterState())
    return html.Div(metric_card(value, value, component.unit), id="preview-metric")


def export(_: HtmlExport, data: DashboardData, component: Any, state: FilterState) -> str:
    value, unfiltered = data.metric(component.id, state)
    return f'<p class="metric">{value}</p><p>unfiltered: {unfiltered}</p>'


def fields(agg: str | None) -> tuple[str, ...]:
    if agg in (None, "count"):
        return ("unit",)
    return ("column", "percentile", "unit") if agg == "percentile" else ("column", "unit")


DRAW = DrawKind(
    "metric",
    card,
    slots=("metric",),
    preview=preview,
    export=export,
    form=Form("agg", get_args(MetricAgg), fields, WIDGETS),
)
