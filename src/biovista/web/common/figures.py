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
        return _histogram(spec, frame, common)
    if kind in ("box", "violin"):
        return _summaries(spec, frame, common["template"])
    if kind == "heatmap":
        return _heatmap(spec, frame, common)
    if kind == "pie":
        return px.pie(frame, names=spec.x, values="value", template=common["template"])
    return px.sunburst(frame, path=spec.path, values="value", template=common["template"])


def _histogram(spec: FigureComponent, frame: pl.DataFrame, common: dict[str, Any]) -> go.Figure:
    """Bars standing on their bins (edges from the engine); text columns as plain bars."""
    if "bin_start" not in frame.columns:
        return px.bar(frame, x=spec.x, y="count", **common)
    middle = frame["bin_start"] + (frame["bin_end"] - frame["bin_start"]) / 2
    width = frame["bin_end"] - frame["bin_start"]
    if width.dtype.is_temporal():
        width = width.dt.total_milliseconds()
    shown = frame.with_columns(
        middle.alias(spec.x or "x"), width.alias("_width"), pl.lit("bin").alias("_bin")
    )
    # Clicking a bar selects its bin's range of values (see models.filter_state.selection_from).
    custom = ["_bin", "bin_start", "bin_end"]
    figure = px.bar(shown, x=spec.x, y="count", custom_data=custom, **common)
    figure.update_traces(width=shown["_width"].to_list() if not common.get("color") else None)
    figure.update_layout(bargap=0.02, barmode="stack")
    return figure


def _summaries(spec: FigureComponent, frame: pl.DataFrame, template: str) -> go.Figure:
    """Boxes from the engine's exact statistics; violins add their binned density."""
    figure = go.Figure(layout={"template": template})
    groups = [c for c in (spec.x, spec.color) if c and c in frame.columns]
    for row in frame.iter_rows(named=True):
        label = " / ".join(str(row[g]) for g in groups) or (spec.y or "")
        position = [str(row[spec.x])] if spec.x and spec.x in frame.columns else [label]
        if spec.kind == "violin" and row.get("bin_mid"):
            figure.add_trace(_violin(row, position[0], label))
        figure.add_trace(
            go.Box(
                x=position,
                q1=[row["q1"]],
                median=[row["median"]],
                q3=[row["q3"]],
                lowerfence=[row["lowerfence"]],
                upperfence=[row["upperfence"]],
                mean=[row["mean"]],
                name=label,
                width=0.15 if spec.kind == "violin" else None,
                showlegend=spec.kind == "box" and bool(spec.color),
            )
        )
    figure.update_layout(boxmode="overlay", violinmode="overlay", yaxis_title=spec.y)
    return figure


def _violin(row: dict[str, Any], position: str, label: str) -> go.Violin:
    """A violin drawn from its bins: a bounded set of points shaped like the exact density."""
    counts = row["bin_count"]
    scale = min(1.0, 400 / max(sum(counts), 1))
    points = [
        mid
        for mid, n in zip(row["bin_mid"], counts, strict=True)
        for _ in range(max(1, round(n * scale)))
    ]
    return go.Violin(
        x=[position] * len(points),
        y=points,
        name=label,
        points=False,
        hoverinfo="skip",
        span=[row["min"], row["max"]],
        spanmode="manual",
        showlegend=False,
    )


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
