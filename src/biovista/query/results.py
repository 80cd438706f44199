"""Small, ready-to-draw answers: figure data (aggregated or sampled), metrics, table pages.

Raw rows never travel when an aggregate will do; when a chart needs points, at most
``max_points`` of them are drawn, chosen deterministically, and the caller learns how many
rows matched so that the view can say '10,000 of 12,011,000 points'. Column names come from
user-written specs, so each is checked first and a mistake is reported by name."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

import biovista.query.distributions as distributions
from biovista.errors import InvalidInputError
from biovista.models.dashboard import (
    FigureComponent,
    FilterComponent,
    ImageComponent,
    MetricComponent,
)
from biovista.models.project import FILE_COLUMN, RUN_COLUMN
from biovista.parsers.base import first_line
from biovista.query.conditions import ROW_COLUMN

log = logging.getLogger(__name__)

MISSING_LABEL = "(missing)"
"""The label of missing values in pie and sunburst rings, which cannot have gaps."""


@dataclass(frozen=True)
class Reduced:
    """What a figure draws: ``shown`` rows of ``frame`` standing for ``total`` matching rows."""

    frame: pl.DataFrame
    shown: int
    total: int

    @property
    def reduced(self) -> bool:
        return self.shown < self.total


def _check_columns(
    frame: pl.LazyFrame, columns: Sequence[str], owner: str, collection: str | None = None
) -> None:
    names = frame.collect_schema().names()
    where = f"collection {collection!r}" if collection else "the table"
    for column in columns:
        if column not in names:
            known = ", ".join(n for n in names if n != ROW_COLUMN)
            raise InvalidInputError(
                f"{owner}: column {column!r} is not in {where}; columns: {known}"
            )


def _collect(frame: pl.LazyFrame) -> pl.DataFrame:
    try:
        return frame.collect().with_columns(pl.col(pl.Categorical).cast(pl.String))
    except pl.exceptions.PolarsError as exc:
        # The engine's message may quote stored values or paths: the log has it, not the caller.
        log.warning("a query failed: %s", first_line(exc))
        raise InvalidInputError("the query failed on this collection's values") from None


def _count(frame: pl.LazyFrame) -> int:
    return int(_collect(frame.select(pl.len())).item())


def figure_data(
    frame: pl.LazyFrame,
    spec: FigureComponent,
    max_points: int = 10_000,
    scale: distributions.Bins | None = None,
    matched: int | None = None,
) -> Reduced:
    """What one figure draws; grouped kinds return groups, point kinds a bounded sample.
    A histogram bins over ``scale`` (by default the range of ``frame``'s values). With
    ``matched``, ``frame`` is a point plot's sample already, standing for that many rows."""
    named = [spec.x, spec.y, spec.z, spec.color, spec.facet, spec.values, *spec.path, *spec.hover]
    columns = list(dict.fromkeys(c for c in named if c))
    _check_columns(frame, columns, f"figure {spec.id!r}", spec.collection)
    added = {"bar": spec.y, "heatmap": spec.z, "pie": spec.values, "sunburst": spec.values}
    if added.get(spec.kind):
        _needs_numbers(frame, str(added[spec.kind]), f"figure {spec.id!r}: a {spec.kind}")
    if spec.kind == "bar":
        keys = [c for c in (spec.x, spec.color, spec.facet) if c]
        value = pl.col(spec.y).sum().alias(spec.y) if spec.y else pl.len().alias("count")
        return _grouped(frame, keys, value)
    if spec.kind == "heatmap":
        value = pl.col(spec.z).mean() if spec.z else pl.len()
        return _grouped(frame, [c for c in (spec.x, spec.y) if c], value.alias("value"))
    if spec.kind in ("pie", "sunburst"):
        value = pl.col(spec.values).sum() if spec.values else pl.len()
        keys = [spec.x] if spec.kind == "pie" and spec.x else list(dict.fromkeys(spec.path))
        labelled = frame.with_columns(
            pl.col(k).cast(pl.String).fill_null(MISSING_LABEL) for k in keys
        )
        return _grouped(labelled, keys, value.alias("value"))
    if spec.kind == "histogram":
        counted = distributions.histogram(frame, spec, scale)
        return totalled(sorted_summary(_collect(counted)), distributions.COUNT)
    if spec.kind in ("box", "violin"):
        summary = distributions.violin if spec.kind == "violin" else distributions.box
        stats = summary(frame, spec)
        result = sorted_summary(_collect(stats[0] if isinstance(stats, tuple) else stats))
        return totalled(result, distributions.COUNT)
    if spec.kind in ("scatter", "line") and ROW_COLUMN in frame.collect_schema().names():
        columns.append(ROW_COLUMN)  # so that drawn points can be selected by row id
    sort_by = spec.x if spec.kind == "line" else None
    return _sampled(frame, columns, max_points, sort_by, matched)


def _grouped(frame: pl.LazyFrame, keys: list[str], value: pl.Expr) -> Reduced:
    grouped = frame.group_by(keys).agg(value, pl.len().alias("_rows"))
    return totalled(sorted_summary(_collect(grouped), keys), "_rows", drop=True)


def totalled(frame: pl.DataFrame, count: str, drop: bool = False) -> Reduced:
    """A summary standing for all the rows its ``count`` column counts (which ``drop``
    removes when it is only there to be counted)."""
    matched = int(frame[count].sum()) if frame.height else 0
    return Reduced(frame.drop(count) if drop else frame, matched, matched)


def sorted_summary(frame: pl.DataFrame, keys: Sequence[str] | None = None) -> pl.DataFrame:
    """A summary with text as text (categoricals are an in-memory detail), sorted by its
    group keys."""
    frame = frame.with_columns(pl.col(pl.Categorical).cast(pl.String))
    by = [k for k in (keys if keys is not None else _key_columns(frame)) if k in frame.columns]
    return frame.sort(by, nulls_last=True) if by else frame


def _key_columns(frame: pl.DataFrame) -> list[str]:
    summaries = {*distributions.BOX_STATS, distributions.COUNT, "bin_mid", "bin_count", "bin_end"}
    return [c for c in frame.columns if c not in summaries]


def _sampled(
    frame: pl.LazyFrame,
    columns: list[str],
    max_points: int,
    sort_by: str | None,
    matched: int | None = None,
) -> Reduced:
    if max_points < 1:
        raise InvalidInputError(f"max_points must be at least 1, got {max_points}")
    total = _count(frame) if matched is None else matched
    picked = frame.select(columns)
    if total > max_points and matched is None:
        # Every k-th matching row in table order: the same sample on every render.
        picked = picked.gather_every(-(-total // max_points))
    if sort_by:
        picked = picked.sort(sort_by, nulls_last=True, maintain_order=True)
    sample = _collect(picked.head(max_points))
    return Reduced(sample, sample.height, total)


def metric_value(frame: pl.LazyFrame, spec: MetricComponent) -> float | int | None:
    """One number over ``frame``; None when no row matches (or the column is all missing).

    ``distinct`` counts the distinct non-missing values; ``percentile`` interpolates
    linearly between the two nearest values."""
    if spec.agg == "count":
        return _count(frame)
    if spec.column is None:
        raise InvalidInputError(f"metric {spec.id!r}: the {spec.agg!r} metric needs a column")
    _check_columns(frame, [spec.column], f"metric {spec.id!r}", spec.collection)
    column = pl.col(spec.column)
    if spec.agg == "distinct":
        result = _collect(frame.select(column.drop_nulls().n_unique().alias("v"), pl.len()))
        return None if result["len"][0] == 0 else int(result["v"][0])
    dtype = _needs_numbers(frame, spec.column, f"metric {spec.id!r}: the {spec.agg!r}")
    if dtype == pl.Boolean:
        column = column.cast(pl.Int64)
    expressions: dict[str, pl.Expr] = {
        "sum": column.sum(),
        "mean": column.mean(),
        "median": column.median(),
        "min": column.min(),
        "max": column.max(),
        "std": column.std(),
        "percentile": column.quantile((spec.percentile or 0) / 100, interpolation="linear"),
    }
    result = _collect(frame.select(expressions[spec.agg].alias("v"), pl.len()))
    value = result["v"][0]
    if result["len"][0] == 0 or value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value if isinstance(value, int | float) else float(value)


def _needs_numbers(frame: pl.LazyFrame, column: str, what: str) -> pl.DataType:
    """``column``'s type, which must be numbers (or booleans) for ``what`` to add it up:
    said here, by name, rather than left to the engine."""
    dtype = frame.collect_schema()[column]
    if not (dtype.is_numeric() or dtype == pl.Boolean):
        raise InvalidInputError(
            f"{what} of column {column!r} needs numbers, but the column holds {dtype} values"
        )
    return dtype


TEXT_FILTERS: dict[str, Callable[[pl.Expr, str], pl.Expr]] = {
    "contains": lambda c, v: c.str.contains(v, literal=True),
    "notContains": lambda c, v: ~c.str.contains(v, literal=True),
    "equals": lambda c, v: c.eq(v),
    "notEqual": lambda c, v: c.ne(v),
    "startsWith": lambda c, v: c.str.starts_with(v),
    "endsWith": lambda c, v: c.str.ends_with(v),
}
NUMBER_FILTERS: dict[str, Callable[[pl.Expr, float, float], pl.Expr]] = {
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
    """Rows ``offset`` to ``offset + limit`` after the grid's own sort and column filters,
    and how many rows match. ``sort`` holds (column, descending) pairs; ``grid_filters`` is
    AG Grid's filter model (text filters ignore case, as AG Grid's do)."""
    if offset < 0 or limit < 0:
        raise InvalidInputError(f"offset and limit must not be negative, got {offset}, {limit}")
    shown = _shown(frame, columns)
    filters = grid_filters or {}
    _check_columns(frame, [*shown, *(c for c, _ in sort), *filters], "table")
    schema = frame.collect_schema()
    for column, model in filters.items():
        frame = frame.filter(_grid_filter(column, model, schema[column]))
    if sort:
        frame = frame.sort(
            [c for c, _ in sort],
            descending=[d for _, d in sort],
            nulls_last=True,
            maintain_order=True,
        )
    total = _count(frame)
    return _collect(frame.select(shown).slice(offset, limit)), total


def image_page(frame: pl.LazyFrame, spec: ImageComponent, limit: int) -> tuple[pl.DataFrame, int]:
    """A gallery's first ``limit`` images and how many there are: per image its row id,
    ``path``, ``caption`` (the label, else the file name) and the run and file it came from.

    Rows without a path show no image. Images are ordered by source file, then row, so a
    gallery lists each run's images together, in the same order on every render."""
    _check_columns(
        frame,
        [spec.column, *([spec.label] if spec.label else [])],
        f"image {spec.id!r}",
        spec.collection,
    )
    path = pl.col(spec.column).cast(pl.String).str.strip_chars()
    frame = frame.filter(path.str.len_chars() > 0)
    names = frame.collect_schema().names()
    file_name = path.str.split("/").list.last()
    caption = pl.col(spec.label).cast(pl.String) if spec.label else file_name
    page = frame.sort([c for c in (FILE_COLUMN, ROW_COLUMN) if c in names]).select(
        ROW_COLUMN,
        path.alias("path"),
        pl.coalesce(caption, file_name).alias("caption"),
        *(
            pl.col(c) if c in names else pl.lit(None, pl.String).alias(c)
            for c in (RUN_COLUMN, FILE_COLUMN)
        ),
    )
    return _collect(page.head(limit)), _count(frame)


def _shown(frame: pl.LazyFrame, columns: Sequence[str]) -> list[str]:
    names = [n for n in frame.collect_schema().names() if n != ROW_COLUMN]
    return [c for c in columns if c != ROW_COLUMN] or names


def _grid_filter(column: str, model: Mapping[str, Any], dtype: pl.DataType) -> pl.Expr:
    """One column's AG Grid filter: a condition, or two or more joined by AND/OR."""
    if not isinstance(model, Mapping):
        raise InvalidInputError(f"column {column!r}: a table filter must be an object")
    parts = model.get("conditions")
    if isinstance(parts, list) and parts:
        base = {k: v for k, v in model.items() if k not in ("conditions", "operator")}
        if not all(isinstance(part, Mapping) for part in parts):
            raise InvalidInputError(f"column {column!r}: table filter conditions must be objects")
        expressions = [_grid_filter(column, {**base, **part}, dtype) for part in parts]
        if str(model.get("operator", "AND")).upper() == "OR":
            return pl.any_horizontal(expressions)
        return pl.all_horizontal(expressions)
    kind, op = model.get("filterType"), model.get("type")
    if op in ("blank", "notBlank"):
        blank = pl.col(column).is_null()
        if dtype == pl.String:
            blank = blank | (pl.col(column).str.strip_chars() == "")
        return blank if op == "blank" else ~blank
    if kind == "text" and op in TEXT_FILTERS:
        text = pl.col(column).cast(pl.String).str.to_lowercase()
        return TEXT_FILTERS[op](text, str(model.get("filter") or "").lower()).fill_null(False)
    if kind == "number" and op in NUMBER_FILTERS:
        if not (dtype.is_numeric() or dtype == pl.Boolean):
            raise InvalidInputError(
                f"column {column!r}: a number filter needs numbers, but it holds {dtype} values"
            )
        low = _number(column, model, "filter")
        high = _number(column, model, "filterTo") if op == "inRange" else low
        return NUMBER_FILTERS[op](pl.col(column), low, high).fill_null(False)
    raise InvalidInputError(
        f"column {column!r}: unsupported table filter {kind!r} {op!r} (text: "
        f"{', '.join(TEXT_FILTERS)}; number: {', '.join(NUMBER_FILTERS)})"
    )


def _number(column: str, model: Mapping[str, Any], key: str) -> float:
    value = model.get(key)
    try:
        if isinstance(value, bool) or value is None:
            raise TypeError(value)
        return float(value)
    except (TypeError, ValueError):
        raise InvalidInputError(
            f"column {column!r}: the number filter {model.get('type')!r} needs a number in "
            f"{key!r}, got {value!r}"
        ) from None


def filter_options(
    frame: pl.LazyFrame, spec: FilterComponent, max_values: int = 1000
) -> dict[str, Any]:
    """What a filter control offers: sorted distinct values, or the column's range."""
    _check_columns(frame, [spec.column], f"filter {spec.id!r}", spec.collection)
    column = pl.col(spec.column)
    if spec.kind in ("select", "multiselect"):
        distinct = column.drop_nulls().unique().sort().head(max_values + 1)
        values = _collect(frame.select(distinct))[spec.column].to_list()
        return {"values": values[:max_values], "truncated": len(values) > max_values}
    if spec.kind in ("range", "date_range"):
        row = _collect(frame.select(column.min().alias("min"), column.max().alias("max")))
        return {"min": _iso_date(row["min"][0]), "max": _iso_date(row["max"][0])}
    return {}


def _iso_date(value: Any) -> Any:
    """Dates and times as ISO dates (what a date picker takes); other values unchanged."""
    return value.isoformat()[:10] if isinstance(value, date) else value


FORMULA_START = re.compile(r"^[=+\-@\t\r]")
"""What a spreadsheet reads as the start of a formula (OWASP's CSV injection list)."""


def csv_export(frame: pl.LazyFrame, columns: Sequence[str]) -> bytes:
    """Every filtered row as CSV, for download (never the internal row id).

    Text that a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``+cmd|...``,
    ``@SUM(...)``, ``-1+1``, a leading tab or carriage return), in a cell or a header, gets
    a leading ``'`` so that it is shown as the text it is. Numbers are left as they are:
    ``-1.5`` in a number column is a number, not a formula."""
    shown = _shown(frame, columns)
    _check_columns(frame, shown, "table")
    rows = _collect(frame.select(shown))
    text = [name for name, dtype in rows.schema.items() if dtype == pl.String]
    rows = rows.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_START.pattern))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text
    )
    rows = rows.rename({n: f"'{n}" for n in rows.columns if FORMULA_START.match(n)})
    buffer = io.BytesIO()
    rows.write_csv(buffer)
    return buffer.getvalue()
