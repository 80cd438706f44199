"""A table ingested from a MultiQC report, shown as rows or as the chart its shape implies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

from biovista.errors import InvalidInputError
from biovista.models.dashboard import FigureComponent, FilterState, MultiQCComponent
from biovista.query.codec import Page
from biovista.query.kinds import figure
from biovista.query.kinds.base import ComponentKind

if TYPE_CHECKING:
    from biovista.query.dashboard import DashboardData

TABLE_ROWS = 100


def compute(data: DashboardData, component: Any, state: FilterState, points: int) -> Any:
    if component.view == "plot":
        return figure.compute(data, component, state, points)
    return Page(*data.rows(component.id, state, 0, TABLE_ROWS))


def rows(
    data: DashboardData,
    component: Any,
    state: FilterState,
    offset: int,
    limit: int,
    _: list[tuple[str, bool]],
    __: Any,
) -> tuple[pl.DataFrame, int]:
    """Pages in the stored order: the grid's sort and filters are not offered here."""
    frame, total = data.rows(component.id, state, offset, limit)
    return frame, total


def plot(component: MultiQCComponent, columns: list[str]) -> FigureComponent | None:
    return multiqc_figure(component, columns) if component.view == "plot" else None


def multiqc_figure(component: MultiQCComponent, columns: list[str]) -> FigureComponent:
    """MultiQC plot tables come in three shapes: lines (x, y), bars (category, value), heatmaps."""
    base = {"id": component.id, "collection": component.collection, "title": component.title}
    if {"x", "y", "sample"} <= set(columns):
        return FigureComponent(kind="line", x="x", y="y", color="sample", **base)
    if {"category", "value", "sample"} <= set(columns):
        return FigureComponent(kind="bar", x="sample", y="value", color="category", **base)
    if {"row", "column", "value"} <= set(columns):
        return FigureComponent(kind="heatmap", x="column", y="row", z="value", **base)
    raise InvalidInputError(
        f"collection {component.collection!r} is not a MultiQC plot table "
        f"(columns: {', '.join(columns)}); use view: table"
    )


KIND = ComponentKind(
    MultiQCComponent, compute=compute, filters_itself=False, figure=plot, rows=rows
)
