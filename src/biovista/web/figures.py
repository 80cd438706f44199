"""Plotly figures from the query engine's small results; the same code serves the HTML export."""

from __future__ import annotations

from typing import Any

import plotly.express as px
import plotly.graph_objects as go
import polars as pl

from biovista.models.dashboard import FigureComponent
from biovista.query import ROW_COLUMN, Reduced


def build_figure(spec: FigureComponent, result: Reduced, dark: bool = False) -> go.Figure:
    """The chart for one figure component; aggregated kinds arrive already grouped."""
    frame = result.frame
    common: dict[str, Any] = {"template": "plotly_dark" if dark else "plotly_white"}
    if spec.color and spec.color in frame.columns:
        common["color"] = spec.color
    if spec.facet and spec.facet in frame.columns:
        common["facet_col"] = spec.facet
        common["facet_col_wrap"] = 3
    hover = [c for c in spec.hover if c in frame.columns]
    figure = _draw(spec, frame, common, hover)
    figure.update_layout(
        margin={"l": 40, "r": 10, "t": 30, "b": 40},
        clickmode="event+select",
        dragmode="select" if spec.kind in ("scatter", "line") else "zoom",
        uirevision=spec.id,
        paper_bgcolor="rgba(0,0,0,0)",
    )
    if spec.log_x:
        figure.update_xaxes(type="log")
    if spec.log_y:
        figure.update_yaxes(type="log")
    return figure


def _draw(
    spec: FigureComponent, frame: pl.DataFrame, common: dict[str, Any], hover: list[str]
) -> go.Figure:
    kind = spec.kind
    if kind in ("scatter", "line"):
        draw = px.scatter if kind == "scatter" else px.line
        custom = [ROW_COLUMN] if ROW_COLUMN in frame.columns else None
        return draw(frame, x=spec.x, y=spec.y, hover_data=hover, custom_data=custom, **common)
    if kind == "bar":
        value = spec.y if spec.y and spec.y in frame.columns else "count"
        return px.bar(frame, x=spec.x, y=value, **common)
    if kind == "histogram":
        return px.histogram(frame, x=spec.x, **common)
    if kind in ("box", "violin"):
        draw = px.box if kind == "box" else px.violin
        return draw(frame, x=spec.x, y=spec.y, **common)
    if kind == "heatmap":
        return _heatmap(spec, frame, common)
    if kind == "pie":
        return px.pie(frame, names=spec.x, values="value", template=common["template"])
    return px.sunburst(frame, path=spec.path, values="value", template=common["template"])


def _heatmap(spec: FigureComponent, frame: pl.DataFrame, common: dict[str, Any]) -> go.Figure:
    assert spec.x is not None and spec.y is not None
    if frame.is_empty():
        return go.Figure(layout={"template": common["template"]})
    wide = frame.pivot(on=spec.x, index=spec.y, values="value", aggregate_function="mean")
    columns = [c for c in wide.columns if c != spec.y]
    return px.imshow(
        wide.select(columns).to_numpy(),
        x=[str(c) for c in columns],
        y=[str(v) for v in wide[spec.y].to_list()],
        labels={"x": spec.x, "y": spec.y, "color": spec.z or "count"},
        aspect="auto",
        template=common["template"],
    )


def reduced_label(result: Reduced) -> str:
    """The badge a reduced component wears: '10,000 of 12,011,000 points'."""
    return f"{result.shown:,} of {result.total:,} points"
