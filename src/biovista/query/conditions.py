"""A view's filter state as conditions on columns, and how one collection applies them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

import polars as pl

from biovista.errors import InvalidInputError
from biovista.models.dashboard import DashboardSpec, FigureComponent, FilterComponent, FilterState

ROW_COLUMN = "_row"
"""A stable id per row (its position in the unfiltered table), so selections survive filters."""

Op = Literal["in", "between", "eq", "contains", "is_true"]


@dataclass(frozen=True)
class Condition:
    collection: str
    column: str
    op: Op
    value: Any


def conditions_for(
    spec: DashboardSpec, state: FilterState, skip: str | None = None
) -> list[Condition]:
    """Every condition the state sets, except those of component ``skip``."""
    conditions: list[Condition] = []
    for component_id, value in state.values.items():
        component = spec.component(component_id)
        if component_id != skip and isinstance(component, FilterComponent):
            conditions += _from_filter(component, value)
    for component_id, selection in state.selections.items():
        figure = spec.component(component_id)
        if component_id == skip or not isinstance(figure, FigureComponent):
            continue
        x = figure.path[0] if figure.kind == "sunburst" and figure.path else figure.x
        if selection.rows is not None:
            conditions.append(Condition(figure.collection, ROW_COLUMN, "in", selection.rows))
        if selection.categories is not None and x:
            conditions.append(Condition(figure.collection, x, "in", selection.categories))
        if selection.x_range is not None and figure.x:
            conditions.append(Condition(figure.collection, figure.x, "between", selection.x_range))
        if selection.y_range is not None and figure.y:
            conditions.append(Condition(figure.collection, figure.y, "between", selection.y_range))
    return conditions


def _from_filter(component: FilterComponent, value: Any) -> list[Condition]:
    def make(op: Op, operand: Any) -> list[Condition]:
        return [Condition(component.collection, component.column, op, operand)]

    kind = component.kind
    if kind == "select" and value not in (None, ""):
        return make("eq", value)
    if kind == "multiselect" and value:
        return make("in", list(value))
    if kind in ("range", "date_range") and isinstance(value, list | tuple) and len(value) == 2:
        if value[0] is None and value[1] is None:
            return []
        return make("between", list(value))
    if kind == "switch" and value:
        return make("is_true", True)
    if kind == "search" and isinstance(value, str) and value.strip():
        return make("contains", value.strip())
    return []


def apply(frame: pl.LazyFrame, conditions: Iterable[Condition], collection: str) -> pl.LazyFrame:
    """Keep the rows of ``frame`` (collection ``collection``) that meet every condition."""
    schema = frame.collect_schema()
    for condition in conditions:
        if condition.column not in schema:
            raise InvalidInputError(
                f"column {condition.column!r} is not in collection {collection!r}; "
                f"columns: {', '.join(n for n in schema.names() if n != ROW_COLUMN)}"
            )
        frame = frame.filter(_expression(condition, schema[condition.column]))
    return frame


def _expression(condition: Condition, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(condition.column)
    value = condition.value
    if condition.op == "eq":
        return column.eq(_typed(value, dtype))
    if condition.op == "in":
        return column.is_in([_typed(v, dtype) for v in value])
    if condition.op == "between":
        low, high = (_typed(v, dtype) if v is not None else None for v in value)
        expression = pl.lit(True)
        if low is not None:
            expression = expression & (column >= low)
        if high is not None:
            expression = expression & (column <= high)
        return expression
    if condition.op == "is_true":
        return column.cast(pl.Boolean, strict=False).fill_null(False)
    needle = str(value).lower()
    return column.cast(pl.String).str.to_lowercase().str.contains(needle, literal=True)


def _typed(value: Any, dtype: pl.DataType) -> Any:
    """Values arrive from URLs and browsers as JSON: dates as text, numbers as floats."""
    try:
        if dtype == pl.Date and isinstance(value, str):
            return date.fromisoformat(value[:10])
        if isinstance(dtype, pl.Datetime) and isinstance(value, str):
            return datetime.fromisoformat(value)
        if dtype.is_integer() and isinstance(value, float) and value.is_integer():
            return int(value)
        if dtype == pl.String and not isinstance(value, str):
            return str(value)
    except ValueError:
        raise InvalidInputError(f"{value!r} is not a valid {dtype} value") from None
    return value
