"""Answers added up from partial aggregates per link key equal those over the filtered rows."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import pytest

from biovista.models.dashboard import FigureComponent, MetricComponent
from biovista.query import figure_data, metric_value
from biovista.query.distributions import histogram_bins
from biovista.query.partials import KeyFilter, figure, metric, partial, supports

RNG = np.random.default_rng(7)
N = 5_000
VALUES = pl.DataFrame(
    {
        "sample": RNG.choice([f"S{i:02d}" for i in range(40)], N),
        "biotype": RNG.choice(["coding", "lnc", "mi", None], N),
        "chrom": RNG.choice(["1", "2", "X"], N),
        "tpm": pl.Series(RNG.gamma(2.0, 3.0, N)).scatter(RNG.integers(0, N, 250), None),
        "counts": RNG.integers(0, 1000, N),
        "detected": RNG.random(N) < 0.7,
    }
)
KEPT = pl.Series(["S01", "S05", "S17", "S33", "nowhere"])

FIGURES: list[dict[str, Any]] = [
    {"kind": "bar", "x": "biotype"},
    {"kind": "bar", "x": "biotype", "y": "counts", "color": "chrom"},
    {"kind": "bar", "x": "chrom", "y": "tpm"},
    {"kind": "heatmap", "x": "sample", "y": "chrom", "z": "tpm"},
    {"kind": "heatmap", "x": "biotype", "y": "chrom"},
    {"kind": "pie", "x": "biotype", "values": "counts"},
    {"kind": "sunburst", "path": ["chrom", "biotype"]},
]
METRICS: list[dict[str, Any]] = [
    {"agg": "count"},
    {"agg": "sum", "column": "counts"},
    {"agg": "mean", "column": "tpm"},
    {"agg": "min", "column": "tpm"},
    {"agg": "max", "column": "counts"},
    {"agg": "mean", "column": "detected"},
]


def filtered(keys: pl.Series | None) -> pl.LazyFrame:
    frame = VALUES.lazy()
    return frame if keys is None else frame.filter(pl.col("sample").is_in(keys.implode()))


@pytest.mark.parametrize("columns", FIGURES, ids=lambda c: "-".join(map(str, c.values())))
@pytest.mark.parametrize("keys", [None, KEPT, pl.Series([], dtype=pl.String)])
def test_figures_from_partials_equal_figures_from_rows(
    columns: dict[str, Any], keys: pl.Series | None
) -> None:
    spec = FigureComponent(id="f", collection="values", **columns)
    assert supports(spec, VALUES.schema)
    partials = partial(VALUES.lazy(), spec, "sample").collect()
    summed = figure(partials, spec, KeyFilter("sample", keys) if keys is not None else KeyFilter())
    direct = figure_data(filtered(keys), spec)
    assert (summed.shown, summed.total) == (direct.shown, direct.total)
    assert summed.frame.columns == direct.frame.columns
    for column in direct.frame.columns:
        left, right = summed.frame[column], direct.frame[column]
        if left.dtype.is_float():
            assert left.to_list() == pytest.approx(right.to_list(), rel=1e-12, nan_ok=True)
        else:
            assert left.to_list() == right.to_list()


@pytest.mark.parametrize("columns", METRICS, ids=lambda c: "-".join(map(str, c.values())))
@pytest.mark.parametrize("keys", [None, KEPT, pl.Series([], dtype=pl.String)])
def test_metrics_from_partials_equal_metrics_from_rows(
    columns: dict[str, Any], keys: pl.Series | None
) -> None:
    spec = MetricComponent(id="m", collection="values", **columns)
    assert supports(spec, VALUES.schema)
    partials = partial(VALUES.lazy(), spec, "sample").collect()
    summed = metric(partials, spec, KeyFilter("sample", keys) if keys is not None else KeyFilter())
    direct = metric_value(filtered(keys), spec)
    assert summed == pytest.approx(direct, rel=1e-12) if direct is not None else summed is None


@pytest.mark.parametrize("color", [None, "chrom"])
@pytest.mark.parametrize("keys", [None, KEPT])
def test_histograms_from_partials_use_the_whole_tables_bins(
    color: str | None, keys: pl.Series | None
) -> None:
    spec = FigureComponent(id="h", collection="values", kind="histogram", x="tpm", color=color)
    scale = histogram_bins(VALUES.lazy(), "tpm")
    assert scale is not None and supports(spec, VALUES.schema)
    partials = partial(VALUES.lazy(), spec, "sample", scale).collect()
    kept = KeyFilter("sample", keys) if keys is not None else KeyFilter()
    summed = figure(partials, spec, kept, scale, pl.Float64)
    direct = figure_data(filtered(keys), spec, scale=scale)
    assert summed.frame.equals(direct.frame) and summed.total == direct.total
    assert summed.frame["bin_start"].min() >= scale.low


def test_answers_that_do_not_decompose_are_not_claimed() -> None:
    assert not supports(MetricComponent(id="m", collection="v", agg="median", column="tpm"),
                        VALUES.schema)  # fmt: skip
    assert not supports(MetricComponent(id="m", collection="v", agg="sum", column="chrom"),
                        VALUES.schema)  # fmt: skip
    assert not supports(FigureComponent(id="f", collection="v", kind="box", y="tpm"),
                        VALUES.schema)  # fmt: skip
    assert not supports(FigureComponent(id="f", collection="v", kind="bar", x="wings"),
                        VALUES.schema)  # fmt: skip
