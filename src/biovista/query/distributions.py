"""Distributions summarised next to the data: histogram bins, exact box statistics, violins.

A histogram, box or violin over millions of rows must not ship its rows to the browser (nor
draw a sample, which shows the wrong whiskers and outliers). The engine computes what the
chart shows, exactly: counts per bin, and per group the quartiles (linear interpolation, as
Plotly computes them), the mean and Tukey's whiskers (the most extreme values within 1.5
times the interquartile range of the quartiles). A violin adds its density as counts per bin
over the common value range, so every group's shape is drawn on the same scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from biovista.errors import InvalidInputError
from biovista.models.dashboard import FigureComponent

HISTOGRAM_BINS = 40
VIOLIN_BINS = 48
BIN_START, BIN_END, COUNT = "bin_start", "bin_end", "count"
BOX_STATS = ("q1", "median", "q3", "mean", "lowerfence", "upperfence", "min", "max")


@dataclass(frozen=True)
class Bins:
    """Equal-width bins: ``count`` of them from ``low``, each ``width`` wide."""

    low: float
    width: float
    count: int

    def index(self, column: str) -> pl.Expr:
        """The bin of each value; the maximum falls in the last bin, not one past it."""
        position = (pl.col(column).to_physical().cast(pl.Float64) - self.low) / self.width
        return position.floor().clip(0, self.count - 1).cast(pl.Int32).alias("_bin")


def histogram_bins(frame: pl.LazyFrame, column: str, bins: int = HISTOGRAM_BINS) -> Bins | None:
    """Bins spanning ``column``'s values in ``frame``; None when it has none (or is text).

    The viewer passes the whole table here, so bars keep their places while filtering."""
    dtype = frame.collect_schema()[column]
    if not (dtype.is_numeric() or dtype.is_temporal()):
        return None
    low, high = _bounds(frame.filter(pl.col(column).is_not_null()), column)
    if low is None or high is None:
        return None
    return Bins(low, (high - low) / bins if high > low else 1.0, bins)


def histogram(
    frame: pl.LazyFrame, spec: FigureComponent, scale: Bins | None = None
) -> pl.LazyFrame:
    """Counts per bin of ``x`` (per colour and facet), over ``scale`` (by default the bins
    spanning ``frame``'s values); text columns count each value."""
    assert spec.x is not None
    keys = histogram_keys(spec)
    dtype = frame.collect_schema()[spec.x]
    if not (dtype.is_numeric() or dtype.is_temporal()):
        return frame.group_by([spec.x, *keys]).agg(pl.len().alias(COUNT))
    scale = scale or histogram_bins(frame, spec.x)
    if scale is None:
        return pl.LazyFrame(schema={BIN_START: dtype, BIN_END: dtype, COUNT: pl.UInt32})
    present = frame.filter(pl.col(spec.x).is_not_null())
    counted = present.group_by(scale.index(spec.x), *keys).agg(pl.len().alias(COUNT))
    return edges(counted, scale, dtype, keys)


def histogram_keys(spec: FigureComponent) -> list[str]:
    return [c for c in (spec.color, spec.facet) if c and c != spec.x]


def edges(counted: pl.LazyFrame, scale: Bins, dtype: pl.DataType, keys: list[str]) -> pl.LazyFrame:
    """Bin numbers as their edges, in the column's own type."""
    start = pl.lit(scale.low) + pl.col("_bin") * scale.width
    return counted.select(
        _as(start, dtype).alias(BIN_START),
        _as(start + scale.width, dtype).alias(BIN_END),
        *keys,
        COUNT,
    )


def box(frame: pl.LazyFrame, spec: FigureComponent) -> tuple[pl.LazyFrame, list[str]]:
    """Per group (``x``, colour), the exact box statistics of ``y`` and the row count.

    Two passes: the quartiles first (each computed once), then the whiskers against limits
    joined on per group; asking for the quartiles again inside the whisker expressions
    would compute them once per use (1.8 s instead of 1.2 s on 12M rows)."""
    assert spec.y is not None
    keys = list(dict.fromkeys(c for c in (spec.x, spec.color) if c and c != spec.y))
    _numeric(frame, spec)
    y = pl.col(spec.y).cast(pl.Float64)
    present = frame.filter(pl.col(spec.y).is_not_null())
    quartiles = [
        y.quantile(0.25, interpolation="linear").alias("q1"),
        y.quantile(0.5, interpolation="linear").alias("median"),
        y.quantile(0.75, interpolation="linear").alias("q3"),
        y.mean().alias("mean"),
    ]
    extremes = [y.min().alias("min"), y.max().alias("max"), pl.len().alias(COUNT)]
    grouped = present.group_by(keys) if keys else None
    stats = (grouped.agg(*quartiles) if grouped else present.select(quartiles)).collect()
    reach = (pl.col("q3") - pl.col("q1")) * 1.5
    limits = stats.lazy().select(
        *keys, (pl.col("q1") - reach).alias("_low"), (pl.col("q3") + reach).alias("_high")
    )
    whiskers = [
        y.filter(y >= pl.col("_low")).min().alias("lowerfence"),
        y.filter(y <= pl.col("_high")).max().alias("upperfence"),
        *extremes,
    ]
    if not keys:
        limited = present.join(limits, how="cross")
        return pl.concat([stats.lazy(), limited.select(whiskers)], how="horizontal"), keys
    limited = present.join(limits, on=keys, how="inner", nulls_equal=True)
    rest = limited.group_by(keys).agg(whiskers)
    return stats.lazy().join(rest, on=keys, how="left", nulls_equal=True), keys


def violin(frame: pl.LazyFrame, spec: FigureComponent, bins: int = VIOLIN_BINS) -> pl.LazyFrame:
    """Box statistics and, per group, counts per bin of ``y`` (``bin_mid``, ``bin_count``)."""
    assert spec.y is not None
    stats, keys = box(frame, spec)
    present = frame.filter(pl.col(spec.y).is_not_null())
    low, high = _bounds(present, spec.y)
    if low is None or high is None:
        return stats.with_columns(
            pl.lit([], pl.List(pl.Float64)).alias("bin_mid"),
            pl.lit([], pl.List(pl.UInt32)).alias("bin_count"),
        )
    width = (high - low) / bins if high > low else 1.0
    index = Bins(low, width, bins).index(spec.y)
    counted = present.group_by(*keys, index).agg(pl.len().alias("bin_count")).sort("_bin")
    middle = (pl.lit(low) + (pl.col("_bin") + 0.5) * width).alias("bin_mid")
    shapes = counted.select(*keys, middle, "bin_count")
    if not keys:
        lists = shapes.select(pl.col("bin_mid").implode(), pl.col("bin_count").implode())
        return pl.concat([stats, lists], how="horizontal")
    lists = shapes.group_by(keys, maintain_order=True).agg("bin_mid", "bin_count")
    return stats.join(lists, on=keys, how="left", nulls_equal=True)


def _bounds(frame: pl.LazyFrame, column: str) -> tuple[float | None, float | None]:
    physical = pl.col(column).to_physical().cast(pl.Float64)
    row = frame.select(physical.min().alias("low"), physical.max().alias("high")).collect()
    low, high = row["low"][0], row["high"][0]
    return (None, None) if low is None else (float(low), float(high))


def _as(value: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A bin edge in the column's own type: dates and times back from their numbers."""
    if dtype.is_temporal():
        return value.round(0).cast(pl.Int64).cast(dtype)
    return value


def _numeric(frame: pl.LazyFrame, spec: FigureComponent) -> None:
    dtype = frame.collect_schema()[spec.y or ""]
    if not (dtype.is_numeric() or dtype == pl.Boolean):
        raise InvalidInputError(
            f"figure {spec.id!r}: a {spec.kind} of column {spec.y!r} needs numbers, "
            f"but the column holds {dtype} values"
        )
