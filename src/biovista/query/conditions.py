"""A view's filter state as conditions on columns, and how one collection applies them.

The state comes from URLs and browsers as JSON (dates as text, numbers as floats), so each
value is converted to its column's type here, and every mistake is reported as an
:class:`InvalidInputError` naming the column and collection rather than surfacing later as a
polars error when the lazy query runs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import polars as pl

from biovista.errors import InvalidInputError
from biovista.models.dashboard import DashboardSpec, FigureComponent, FilterComponent, FilterState

ROW_COLUMN = "_row"
"""A stable id per row (its position in the unfiltered table), so selections survive filters."""

Op = Literal["in", "between", "eq", "contains", "is_true"]
TRUE_WORDS = ("true", "t", "yes", "y", "1")


@dataclass(frozen=True)
class Condition:
    """Rows of ``collection`` whose ``column`` meets ``op`` with ``value``."""

    collection: str
    column: str
    op: Op
    value: Any


def conditions_for(
    spec: DashboardSpec, state: FilterState, skip: str | None = None
) -> list[Condition]:
    """Every condition the state sets, except those of component ``skip``.

    Ids that the spec does not have, or that name a component of the wrong type, are
    ignored: a bookmarked URL may outlive a component."""
    conditions: list[Condition] = []
    for component_id, value in state.values.items():
        component = spec.component(component_id)
        if component_id != skip and isinstance(component, FilterComponent):
            conditions += _from_filter(component, value)
    for component_id, selection in state.selections.items():
        figure = spec.component(component_id)
        if component_id == skip or not isinstance(figure, FigureComponent):
            continue
        collection = figure.collection
        category = figure.path[0] if figure.kind == "sunburst" and figure.path else figure.x
        if selection.rows is not None:
            conditions.append(Condition(collection, ROW_COLUMN, "in", list(selection.rows)))
        if selection.categories is not None and category:
            conditions.append(Condition(collection, category, "in", list(selection.categories)))
        if selection.x_range is not None and figure.x:
            conditions.append(Condition(collection, figure.x, "between", list(selection.x_range)))
        if selection.y_range is not None and figure.y:
            conditions.append(Condition(collection, figure.y, "between", list(selection.y_range)))
    return conditions


def _from_filter(component: FilterComponent, value: Any) -> list[Condition]:
    def make(op: Op, operand: Any) -> list[Condition]:
        return [Condition(component.collection, component.column, op, operand)]

    def malformed(expected: str) -> InvalidInputError:
        return InvalidInputError(
            f"filter {component.id!r} ({component.kind} on column {component.column!r}): "
            f"expected {expected}, got {value!r}"
        )

    kind = component.kind
    if value is None:
        return []
    if kind == "select":
        if isinstance(value, list | tuple | dict):
            raise malformed("one value")
        return [] if value == "" else make("eq", value)
    if kind == "multiselect":
        values = [value] if isinstance(value, str | int | float) else value
        if not isinstance(values, list | tuple):
            raise malformed("a list of values")
        return make("in", list(values)) if values else []
    if kind in ("range", "date_range"):
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise malformed("[low, high]")
        low, high = (None if bound == "" else bound for bound in value)
        return [] if low is None and high is None else make("between", [low, high])
    if kind == "switch":
        return make("is_true", True) if value else []
    if not isinstance(value, str):
        raise malformed("text")
    return make("contains", value.strip()) if value.strip() else []


def apply(frame: pl.LazyFrame, conditions: Iterable[Condition]) -> pl.LazyFrame:
    """Keep the rows of ``frame`` that meet every condition (all of one collection)."""
    schema = frame.collect_schema()
    for condition in conditions:
        if condition.column not in schema:
            known = ", ".join(n for n in schema.names() if n != ROW_COLUMN)
            raise InvalidInputError(
                f"column {condition.column!r} is not in collection {condition.collection!r}; "
                f"columns: {known}"
            )
        dtype = schema[condition.column]
        expression = _expression(condition, dtype)
        _check_types(expression, condition, dtype)
        frame = frame.filter(expression)
    return frame


def _check_types(expression: pl.Expr, condition: Condition, dtype: pl.DataType) -> None:
    """Run the filter on an empty frame now, so a type clash is reported here, precisely."""
    try:
        pl.DataFrame(schema={condition.column: dtype}).lazy().filter(expression).collect()
    except pl.exceptions.PolarsError:  # its message is the engine's, never shown
        raise InvalidInputError(
            f"cannot filter column {condition.column!r} ({dtype}) of collection "
            f"{condition.collection!r} with {condition.op} {_short(condition.value)}: "
            f"{condition.op} does not apply to {dtype} values"
        ) from None


def _expression(condition: Condition, dtype: pl.DataType) -> pl.Expr:
    column = pl.col(condition.column)
    value = condition.value
    if dtype.is_nested():
        raise _bad(condition, dtype, "a column of single values")
    if condition.op == "eq":
        typed = _typed(value, dtype, condition)
        return pl.lit(False) if typed is _NO_MATCH else column.eq(typed)
    if condition.op == "in":
        if not isinstance(value, list | tuple | set):
            raise _bad(condition, dtype, "a list of values")
        typed_values = [_typed(v, dtype, condition) for v in value]
        try:
            kept = pl.Series([v for v in typed_values if v is not _NO_MATCH], dtype=dtype)
        except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
            raise _bad(condition, dtype, f"{dtype} values") from None
        return column.is_in(kept.implode())
    if condition.op == "between":
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise _bad(condition, dtype, "[low, high]")
        low = None if value[0] is None else _typed(value[0], dtype, condition, bound="low")
        high = None if value[1] is None else _typed(value[1], dtype, condition, bound="high")
        expression = pl.lit(True)
        if low is not None:
            expression = expression & (column >= low)
        if high is not None:
            expression = expression & (column <= high)
        return expression
    if condition.op == "is_true":
        if dtype == pl.Boolean:
            return column.fill_null(False)
        if dtype.is_numeric():
            return column.ne(0).fill_null(False)
        if dtype == pl.String:
            return column.str.strip_chars().str.to_lowercase().is_in(TRUE_WORDS).fill_null(False)
        raise _bad(condition, dtype, "a boolean, number or text column")
    if condition.op == "contains":
        needle = str(value).lower()
        return column.cast(pl.String).str.to_lowercase().str.contains(needle, literal=True)
    raise _bad(condition, dtype, "one of the operations in, between, eq, contains, is_true")


def _short(value: Any) -> str:
    """A value for a message: a selection of 100,000 row ids must not fill the screen."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class _NoMatch:
    """A value that no row of the column can equal (2.5 in an integer column)."""


_NO_MATCH: Any = _NoMatch()


def _bad(condition: Condition, dtype: pl.DataType, expected: str) -> InvalidInputError:
    return InvalidInputError(
        f"cannot filter column {condition.column!r} ({dtype}) of collection "
        f"{condition.collection!r} with {condition.op} {_short(condition.value)}: "
        f"expected {expected}"
    )


def _typed(value: Any, dtype: pl.DataType, condition: Condition, bound: str = "") -> Any:
    """``value`` as the column's type: ISO text to dates, numbers from text or floats."""
    if value is None:
        return None
    try:
        if dtype == pl.Date and isinstance(value, str):
            return date.fromisoformat(value.strip()[:10])
        if isinstance(dtype, pl.Datetime) and isinstance(value, str | date):
            return _datetime(value, dtype, bound)
        if dtype == pl.Boolean and isinstance(value, str):
            return value.strip().lower() in TRUE_WORDS
        if dtype.is_numeric() and not isinstance(value, bool):
            number = float(value) if isinstance(value, str) else value
            if not isinstance(number, int | float):
                raise ValueError(value)
            if dtype.is_integer() and isinstance(number, float):
                if number.is_integer():
                    return int(number)
                return number if bound else _NO_MATCH  # 2.5 bounds an integer column fine
            return number
        if dtype == pl.String and not isinstance(value, str):
            return str(value)
    except ValueError:
        raise _bad(condition, dtype, f"{dtype} values (not {value!r})") from None
    return value


def _datetime(value: str | date, dtype: pl.Datetime, bound: str) -> datetime:
    whole_day = False
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment, whole_day = datetime.combine(value, time()), True
    else:
        moment, whole_day = datetime.fromisoformat(value.strip()), len(value.strip()) == 10
    if whole_day and bound == "high":  # a whole day as upper bound: up to its last instant
        moment += timedelta(days=1, microseconds=-1)
    zone = dtype.time_zone
    if zone and moment.tzinfo is None:
        return moment.replace(tzinfo=ZoneInfo(zone))
    if not zone and moment.tzinfo is not None:
        return moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    return moment
