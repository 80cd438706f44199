"""Bring a parsed file into the shape of its collection's table, or say exactly why not.

Declared column types and the types already in the Delta table are enforced here, in one
place for every format, so a bad value is reported with its line and column whatever the
parser was.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from biovista.models.project import FILE_COLUMN, POLARS_TYPES, RUN_COLUMN, CollectionConfig
from biovista.parsers.base import ParsedTable, ParseError

TRUE_WORDS = {"true", "t", "yes", "y", "1"}
FALSE_WORDS = {"false", "f", "no", "n", "0"}


def conform(
    parsed: ParsedTable,
    collection: CollectionConfig,
    table_schema: Mapping[str, pl.DataType] | None,
    file_path: str,
    run: str | None,
    run_attributes: Mapping[str, str],
) -> pl.DataFrame:
    """Check required columns, cast to declared (else existing) types and add provenance.

    Raises ParseError locating the first offending value."""
    frame = parsed.frame
    missing = [
        name for name, spec in collection.columns.items() if spec.required and name not in frame
    ]
    if missing:
        raise ParseError(
            f"missing required column(s) {', '.join(map(repr, missing))}; "
            f"the file has: {', '.join(frame.columns)}"
        )
    extra = {
        name: pl.lit(value, dtype=pl.String)
        for name, value in run_attributes.items()
        if name not in frame.columns
    }
    frame = frame.with_columns(
        pl.lit(run, dtype=pl.String).alias(RUN_COLUMN),
        pl.lit(file_path, dtype=pl.String).alias(FILE_COLUMN),
        **extra,
    )
    targets = _target_types(frame, collection, table_schema)
    for name, dtype in targets.items():
        if frame.schema[name] != dtype:
            frame = frame.with_columns(_cast(frame[name], dtype, parsed))
    null_columns = [n for n, t in frame.schema.items() if t == pl.Null]
    if null_columns:
        frame = frame.with_columns(pl.col(null_columns).cast(pl.String))
    ordered = [RUN_COLUMN, FILE_COLUMN] + [
        c for c in frame.columns if c not in (RUN_COLUMN, FILE_COLUMN)
    ]
    return frame.select(ordered)


def _target_types(
    frame: pl.DataFrame,
    collection: CollectionConfig,
    table_schema: Mapping[str, pl.DataType] | None,
) -> dict[str, pl.DataType]:
    """Declared types win; otherwise a column keeps the type the table already has."""
    targets: dict[str, pl.DataType] = {}
    for name in frame.columns:
        spec = collection.columns.get(name)
        if spec is not None and spec.type is not None:
            targets[name] = POLARS_TYPES[spec.type]
        elif table_schema is not None and name in table_schema:
            existing = table_schema[name]
            if existing != pl.Null:
                targets[name] = existing
    return targets


def _cast(series: pl.Series, dtype: pl.DataType, parsed: ParsedTable) -> pl.Series:
    converted = _convert(series, dtype)
    failed = converted.is_null() & series.is_not_null()
    if failed.any():
        index = int(failed.arg_max() or 0)
        value = series[index]
        line = parsed.line_of(index)
        row = "" if line is not None else f"row {index + 1}: "
        raise ParseError(
            f"{row}{value!r} is not a valid {_type_word(dtype)}", line=line, column=series.name
        )
    return converted


def _convert(series: pl.Series, dtype: pl.DataType) -> pl.Series:
    if series.dtype == pl.String:
        text = series.str.strip_chars()
        if dtype == pl.Boolean:
            lowered = text.str.to_lowercase()
            return pl.select(
                pl.when(lowered.is_in(TRUE_WORDS))
                .then(True)
                .when(lowered.is_in(FALSE_WORDS))
                .then(False)
                .otherwise(None)
                .alias(series.name)
            ).to_series()
        if dtype == pl.Date:
            return text.str.to_date(strict=False)
        if isinstance(dtype, pl.Datetime):
            return text.str.to_datetime(time_unit="us", strict=False).dt.replace_time_zone(None)
        if dtype == pl.Int64:
            return _whole_numbers(text.cast(pl.Float64, strict=False))
        return text.cast(dtype, strict=False)
    if dtype == pl.String:
        return series.cast(pl.String)
    if dtype == pl.Int64 and series.dtype.is_float():
        return _whole_numbers(series)
    return series.cast(dtype, strict=False)


def _whole_numbers(values: pl.Series) -> pl.Series:
    """Integers from floats, null where a value has a fractional part: never truncate."""
    whole = pl.when(values == values.floor()).then(values).otherwise(None).cast(pl.Int64)
    return pl.select(whole.alias(values.name)).to_series()


def _type_word(dtype: pl.DataType) -> str:
    for word, candidate in POLARS_TYPES.items():
        if candidate == dtype:
            return {
                "str": "text",
                "int": "integer",
                "float": "number",
                "bool": "true/false",
                "date": "date",
                "datetime": "date-time",
            }[word]
    return str(dtype)
