"""Tidy tables from the JSON that MultiQC stores for each plot (bar, line, heatmap, scatter)."""

from __future__ import annotations

from typing import Any

import polars as pl

from biovista.parsers.base import ParseError

NAN_MARKER = "__NAN__MARKER__"


def plot_table(plot: dict[str, Any], anchor: str) -> pl.DataFrame:
    """Long format, one row per value, with a ``dataset`` column for plots with tabs."""
    kind = plot.get("plot_type")
    builders = {"bar plot": _bar, "x/y line": _line, "heatmap": _heatmap, "scatter plot": _scatter}
    builder = builders.get(str(kind))
    if builder is None:
        raise ParseError(f"plot {anchor!r} is a {kind!r}, which cannot be read as a table yet")
    return builder(plot)


def _labels(plot: dict[str, Any], count: int) -> list[str]:
    """Dataset names: the plot's tab labels when it has them, else 1, 2, ..."""
    labels = plot.get("pconfig", {}).get("data_labels") or []
    names = []
    for index in range(count):
        label = labels[index] if index < len(labels) else None
        if isinstance(label, dict):
            label = label.get("name")
        names.append(str(label) if label else str(index + 1))
    return names


def _number(value: Any) -> float | None:
    if value is None or value == NAN_MARKER:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _bar(plot: dict[str, Any]) -> pl.DataFrame:
    datasets = plot.get("data", [])
    categories = plot.get("cats", [])
    records = []
    for label, (index, dataset) in zip(
        _labels(plot, len(datasets)), enumerate(datasets), strict=True
    ):
        names = categories[index] if index < len(categories) else {}
        for sample, values in dataset.items():
            for key, value in values.items():
                category = names.get(key, {}).get("name", key) if isinstance(names, dict) else key
                records.append((label, sample, str(category), _number(value)))
    return pl.DataFrame(
        records, schema=["dataset", "sample", "category", "value"], orient="row"
    ).with_columns(pl.col("value").cast(pl.Float64))


def _line(plot: dict[str, Any]) -> pl.DataFrame:
    datasets = plot.get("data", [])
    records = []
    for label, series_list in zip(_labels(plot, len(datasets)), datasets, strict=True):
        for series in series_list:
            for pair in series.get("pairs", []):
                records.append((label, str(series.get("name")), pair[0], _number(pair[1])))
    xs = [r[2] for r in records]
    numeric_x = all(isinstance(x, int | float) and not isinstance(x, bool) for x in xs)
    rows = [(d, s, float(x) if numeric_x else str(x), y) for d, s, x, y in records]
    return pl.DataFrame(
        rows,
        schema={
            "dataset": pl.String,
            "sample": pl.String,
            "x": pl.Float64 if numeric_x else pl.String,
            "y": pl.Float64,
        },
        orient="row",
    )


def _heatmap(plot: dict[str, Any]) -> pl.DataFrame:
    rows, xcats, ycats = plot.get("rows", []), plot.get("xcats", []), plot.get("ycats", [])
    records = [
        (str(ycats[i]), str(xcats[j]), _number(value))
        for i, row in enumerate(rows)
        for j, value in enumerate(row)
    ]
    return pl.DataFrame(
        records,
        schema={"row": pl.String, "column": pl.String, "value": pl.Float64},
        orient="row",
    )


def _scatter(plot: dict[str, Any]) -> pl.DataFrame:
    datasets = plot.get("data", [])
    records = []
    for label, dataset in zip(_labels(plot, len(datasets)), datasets, strict=True):
        for point in dataset if isinstance(dataset, list) else []:
            records.append(
                (label, str(point.get("name")), _number(point.get("x")), _number(point.get("y")))
            )
    return pl.DataFrame(
        records,
        schema={"dataset": pl.String, "sample": pl.String, "x": pl.Float64, "y": pl.Float64},
        orient="row",
    )
