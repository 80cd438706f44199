"""Small, ready-to-draw answers: figure data (aggregated or sampled), metrics, table pages.

Raw rows never travel when an aggregate will do; when a chart needs points, at most
``max_points`` of them are drawn, chosen deterministically, and the caller learns how many
rows matched so that the view can say '10,000 of 12,011,000 points'."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import polars as pl

from biovista.errors import InvalidInputError
from biovista.models.dashboard import FigureComponent, FilterComponent, MetricComponent
from biovista.parsers.base import first_line
from biovista.query.conditions import ROW_COLUMN

MISSING_LABEL = "(missing)"


@dataclass(frozen=True)
class Reduced:
    frame: pl.DataFrame
    shown: int
    total: int

    @property
    def reduced(self) -> bool:
        return self.shown < self.total


def _check_columns(frame: pl.LazyFrame, columns: Sequence[str], owner: str) -> None:
    names = frame.collect_schema().names()
    for column in columns:
        if column not in names:
            known = ", ".join(n for n in names if n != ROW_COLUMN)
            raise InvalidInputError(f"{owner}: column {column!r} is not there; columns: {known}")


def _collect(frame: pl.LazyFrame) -> pl.DataFrame:
    try:
        return frame.collect()
    except pl.exceptions.PolarsError as exc:
        raise InvalidInputError(f"the query failed: {first_line(exc)}") from None


def figure_data(frame: pl.LazyFrame, spec: FigureComponent, max_points: int = 10_000) -> Reduced:
    """What one figure draws; grouped kinds return groups, point kinds a bounded sample."""
    named = [spec.x, spec.y, spec.z, spec.color, spec.facet, spec.values, *spec.path, *spec.hover]
    columns = list(dict.fromkeys(c for c in named if c))
    _check_columns(frame, columns, f"figure {spec.id!r}")
    groups = [c for c in (spec.x, spec.color, spec.facet) if c]
    if spec.kind == "bar":
        value = pl.col(spec.y).sum().alias(spec.y) if spec.y else pl.len().alias("count")
        return _grouped(frame, groups, value)
    if spec.kind == "heatmap":
        value = pl.col(spec.z).mean() if spec.z else pl.len()
        return _grouped(frame, [c for c in (spec.x, spec.y) if c], value.alias("value"))
    if spec.kind in ("pie", "sunburst"):
        value = pl.col(spec.values).sum() if spec.values else pl.len()
        keys = [spec.x] if spec.kind == "pie" and spec.x else spec.path
        labelled = frame.with_columns(
            pl.col(k).cast(pl.String).fill_null(MISSING_LABEL) for k in keys
        )  # a ring cannot have a gap: missing values get a visible label
        return _grouped(labelled, keys, value.alias("value"))
    return _sampled(
        frame, [*columns, ROW_COLUMN], max_points, sort_by=spec.x if spec.kind == "line" else None
    )


def _grouped(frame: pl.LazyFrame, keys: list[str], value: pl.Expr) -> Reduced:
    totals = frame.group_by(keys).agg(value, pl.len().alias("_rows")).sort(keys, nulls_last=True)
    result = _collect(totals)
    matched = int(result["_rows"].sum()) if result.height else 0
    return Reduced(result.drop("_rows"), matched, matched)


def _sampled(
    frame: pl.LazyFrame, columns: list[str], max_points: int, sort_by: str | None
) -> Reduced:
    total = int(_collect(frame.select(pl.len())).item())
    picked = frame.select(columns)
    if total > max_points:
        # Every k-th row by stable row id: the same sample on every render.
        step = -(-total // max_points)
        picked = picked.gather_every(step)
    if sort_by:
        picked = picked.sort(sort_by, nulls_last=True)
    sample = _collect(picked.head(max_points))
    return Reduced(sample, sample.height, total)


def metric_value(frame: pl.LazyFrame, spec: MetricComponent) -> Any:
    """One number over ``frame``; None when no row matches."""
    if spec.agg == "count":
        return int(_collect(frame.select(pl.len())).item())
    assert spec.column is not None
    _check_columns(frame, [spec.column], f"metric {spec.id!r}")
    column = pl.col(spec.column)
    expressions: dict[str, pl.Expr] = {
        "distinct": column.drop_nulls().n_unique(),
        "sum": column.sum(),
        "mean": column.mean(),
        "median": column.median(),
        "min": column.min(),
        "max": column.max(),
        "std": column.std(),
        "percentile": column.quantile((spec.percentile or 0) / 100, interpolation="linear"),
    }
    result = _collect(frame.select(expressions[spec.agg].alias("v"), pl.len().alias("n")))
    if result["n"][0] == 0:
        return None
    value = result["v"][0]
    return int(value) if spec.agg == "distinct" else value


TEXT_FILTERS: dict[str, Callable[[pl.Expr, str], pl.Expr]] = {
    "contains": lambda c, v: c.str.contains(v, literal=True),
    "notContains": lambda c, v: ~c.str.contains(v, literal=True),
    "equals": lambda c, v: c.eq(v),
    "notEqual": lambda c, v: c.ne(v),
    "startsWith": lambda c, v: c.str.starts_with(v),
    "endsWith": lambda c, v: c.str.ends_with(v),
}
NUMBER_FILTERS: dict[str, Callable[[pl.Expr, Any, Any], pl.Expr]] = {
    "equals": lambda c, v, _: c.eq(v),
    "notEqual": lambda c, v, _: c.ne(v),
    "lessThan": lambda c, v, _: c.lt(v),
    "lessThanOrEqual": lambda c, v, _: c.le(v),
    "greaterThan": lambda c, v, _: c.gt(v),
    "greaterThanOrEqual": lambda c, v, _: c.ge(v),
    "inRange": lambda c, v, to: c.ge(v) & c.le(to),
}


def table_page(
    frame: pl.LazyFrame,
    columns: Sequence[str],
    offset: int,
    limit: int,
    sort: Sequence[tuple[str, bool]] = (),
    grid_filters: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[pl.DataFrame, int]:
    """Rows ``offset`` to ``offset + limit`` after the grid's own sort and column filters."""
    names = [n for n in frame.collect_schema().names() if n != ROW_COLUMN]
    shown = list(columns) or names
    _check_columns(frame, [*shown, *(c for c, _ in sort), *(grid_filters or {})], "table")
    for column, model in (grid_filters or {}).items():
        frame = frame.filter(_grid_filter(column, model))
    if sort:
        frame = frame.sort(
            [c for c, _ in sort],
            descending=[d for _, d in sort],
            nulls_last=True,
            maintain_order=True,
        )
    total = int(_collect(frame.select(pl.len())).item())
    return _collect(frame.select(shown).slice(offset, limit)), total


def _grid_filter(column: str, model: Mapping[str, Any]) -> pl.Expr:
    kind, op = model.get("filterType"), model.get("type")
    if kind == "text" and op in TEXT_FILTERS:
        return TEXT_FILTERS[op](pl.col(column).cast(pl.String), str(model.get("filter", "")))
    if kind == "number" and op in NUMBER_FILTERS:
        return NUMBER_FILTERS[op](pl.col(column), model.get("filter"), model.get("filterTo"))
    raise InvalidInputError(f"column {column!r}: unsupported table filter {kind!r} {op!r}")


def filter_options(
    frame: pl.LazyFrame, spec: FilterComponent, max_values: int = 1000
) -> dict[str, Any]:
    """What a filter control offers: distinct values, or the column's range."""
    _check_columns(frame, [spec.column], f"filter {spec.id!r}")
    column = pl.col(spec.column)
    if spec.kind in ("select", "multiselect"):
        values = _collect(frame.select(column.drop_nulls().unique().sort().head(max_values + 1)))[
            spec.column
        ].to_list()
        return {"values": values[:max_values], "truncated": len(values) > max_values}
    if spec.kind in ("range", "date_range"):
        row = _collect(frame.select(column.min().alias("min"), column.max().alias("max")))
        low, high = row["min"][0], row["max"][0]
        if isinstance(low, date | datetime):
            low, high = low.isoformat()[:10], high.isoformat()[:10]
        return {"min": low, "max": high}
    return {}


def csv_export(frame: pl.LazyFrame, columns: Sequence[str]) -> bytes:
    """Every filtered row as CSV, for download."""
    names = [n for n in frame.collect_schema().names() if n != ROW_COLUMN]
    shown = list(columns) or names
    _check_columns(frame, shown, "table")
    buffer = io.BytesIO()
    _collect(frame.select(shown)).write_csv(buffer)
    return buffer.getvalue()
