"""A MultiQC table: drawn as a grid of its rows, or (``view: plot``) as the chart its
shape implies; the viewer may ask for either output."""

from __future__ import annotations

from typing import Any

from biovista.models.dashboard import FilterState
from biovista.query.dashboard import DashboardData
from biovista.web.common.kinds import figure, table
from biovista.web.common.kinds.base import DrawKind, Form


def body(component: Any, data: DashboardData, state: FilterState) -> Any:
    draw = figure.graph if component.view == "plot" else table.grid
    return draw(component, data, state)


def preview(data: DashboardData, component: Any) -> Any:
    draw = figure.preview if component.view == "plot" else table.rows_preview
    return draw(data, component)


DRAW = DrawKind(
    "multiqc",
    body,
    slots=("graph", "table"),
    preview=preview,
    export=table.export,
    form=Form("view", ("table", "plot")),
)
