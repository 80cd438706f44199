"""Partial aggregates per link key: sums and counts that a filter change only has to add up.

Most dashboard filters sit on a small collection (a sample sheet) and reach the large one
through a link column (``sample_id``). For such a filter, a decomposable answer (counts,
sums, means, minima and maxima, per group or overall) equals the same answer over each
key's partial aggregate, added up over the kept keys. So the partials are computed once
per table version, from all rows, and every later filter state adds up a few thousand rows
instead of scanning millions. The answers are exact: a mean is a sum over a count, never
an average of averages. Medians, percentiles, distinct counts and box statistics do not
decompose and are computed on the filtered rows.
"""

from __future__ import annotations

import io
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import polars as pl

from biovista.models.dashboard import FigureComponent, MetricComponent
from biovista.query import distributions
from biovista.query.cache import ResultCache
from biovista.query.results import MISSING_LABEL, Reduced, sorted_summary, totalled

FORMAT = 1
"""Bump when the partials change shape, so cached ones are not read."""

SUM, NONNULL, ROWS, LOW, HIGH = "_sum", "_nonnull", "_rows", "_low", "_high"
METRICS = ("count", "sum", "mean", "min", "max")
FIGURES = ("bar", "heatmap", "pie", "sunburst")


@dataclass(frozen=True)
class KeyFilter:
    """Rows whose ``column`` is in ``keys``; ``column`` None keeps every row."""

    column: str | None = None
    keys: pl.Series | None = None


def supports(spec: Any, schema: pl.Schema) -> bool:
    """Whether ``spec``'s answer decomposes over partials (and its column is numeric)."""
    if isinstance(spec, MetricComponent):
        return spec.agg in METRICS and (spec.agg == "count" or _numeric(schema, spec.column))
    if isinstance(spec, FigureComponent) and spec.kind == "histogram" and spec.x:
        dtype = schema.get(spec.x)
        binned = dtype is not None and (dtype.is_numeric() or dtype.is_temporal())
        return binned and all(c in schema for c in distributions.histogram_keys(spec))
    if isinstance(spec, FigureComponent) and spec.kind in FIGURES:
        measured = {"bar": spec.y, "heatmap": spec.z}.get(spec.kind, spec.values)
        columns = [_groups(spec), [measured] if measured else []]
        known = all(c in schema for part in columns for c in part)
        return known and (measured is None or _numeric(schema, measured))
    return False


def partial(
    frame: pl.LazyFrame, spec: Any, key: str, scale: distributions.Bins | None = None
) -> pl.LazyFrame:
    """Per ``key`` value (and group), what the answer needs: sum, non-null count, rows,
    extremes; for a histogram, rows per bin of ``scale``."""
    if isinstance(spec, FigureComponent) and spec.kind == "histogram":
        assert spec.x is not None and scale is not None
        present = frame.filter(pl.col(spec.x).is_not_null())
        keys = [k for k in distributions.histogram_keys(spec) if k != key]
        return present.group_by(key, scale.index(spec.x), *keys).agg(pl.len().alias(ROWS))
    groups = _groups(spec) if isinstance(spec, FigureComponent) else []
    measured = _measured(spec)
    parts = [pl.len().alias(ROWS)]
    if measured is not None:
        value = pl.col(measured)
        if frame.collect_schema()[measured] == pl.Boolean:
            value = value.cast(pl.Int64)
        parts += [
            value.sum().alias(SUM),
            value.count().alias(NONNULL),
            value.min().alias(LOW),
            value.max().alias(HIGH),
        ]
    if isinstance(spec, FigureComponent) and spec.kind in ("pie", "sunburst"):
        frame = frame.with_columns(
            pl.col(k).cast(pl.String).fill_null(MISSING_LABEL) for k in groups
        )
    return frame.group_by([key, *dict.fromkeys(g for g in groups if g != key)]).agg(parts)


def stored(cache: ResultCache, name: str) -> pl.DataFrame | None:
    """Partials computed before (by this process or, through Redis, another)."""
    blob = cache.get(name)
    return None if blob is None else pl.read_ipc(io.BytesIO(blob))


class PartialBuilder:
    """Builds partials one at a time in the background, and never the same ones twice at
    once: a read that needs partials being built waits for that build. One per runtime."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="biovista-partials")
        self._pending: dict[str, Future[pl.DataFrame]] = {}
        self._lock = threading.Lock()

    def build(
        self,
        cache: ResultCache,
        name: str,
        source: pl.LazyFrame,
        spec: Any,
        key: str,
        scale: distributions.Bins | None = None,
    ) -> pl.DataFrame:
        """Compute the partials from every row of ``source`` and keep them under ``name``
        (or wait for the background build of the same partials, rather than doing it twice)."""
        with self._lock:
            pending = self._pending.get(name)
        if pending is not None:
            return pending.result()
        return self._compute(cache, name, source, spec, key, scale)

    def build_later(
        self,
        cache: ResultCache,
        name: str,
        source: pl.LazyFrame,
        spec: Any,
        key: str,
        scale: distributions.Bins | None = None,
    ) -> None:
        """Build in the background (once), so that the first filter change finds them ready."""
        with self._lock:
            if name not in self._pending:
                self._pending[name] = self._pool.submit(
                    self._compute, cache, name, source, spec, key, scale
                )

    def close(self) -> None:
        """Drop builds not started yet and wait for the one running."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _compute(
        self,
        cache: ResultCache,
        name: str,
        source: pl.LazyFrame,
        spec: Any,
        key: str,
        scale: distributions.Bins | None,
    ) -> pl.DataFrame:
        try:
            frame = partial(source, spec, key, scale).collect()
            buffer = io.BytesIO()
            frame.write_ipc(buffer)
            cache.put(name, buffer.getvalue())
            return frame
        finally:
            with self._lock:
                self._pending.pop(name, None)


def figure(
    partials: pl.DataFrame,
    spec: FigureComponent,
    kept: KeyFilter,
    scale: distributions.Bins | None = None,
    dtype: pl.DataType | None = None,
) -> Reduced:
    """A bar, heatmap, pie, sunburst or histogram from the partials of the kept keys."""
    rows = _kept(partials, kept)
    if spec.kind == "histogram":
        assert scale is not None and dtype is not None
        keys = distributions.histogram_keys(spec)
        counted = rows.group_by("_bin", *keys).agg(pl.col(ROWS).sum().alias(distributions.COUNT))
        result = sorted_summary(distributions.edges(counted, scale, dtype, keys).collect())
        return totalled(result, distributions.COUNT)
    groups = list(dict.fromkeys(_groups(spec)))
    if spec.kind == "bar":
        value = pl.col(SUM).sum().alias(spec.y) if spec.y else pl.col(ROWS).sum().alias("count")
    elif spec.kind == "heatmap" and spec.z:
        value = _mean().alias("value")
    else:
        value = (pl.col(SUM).sum() if spec.values else pl.col(ROWS).sum()).alias("value")
    totals = rows.group_by(groups).agg(value, pl.col(ROWS).sum().alias(ROWS))
    result = sorted_summary(totals.collect(), groups)
    return totalled(result, ROWS, drop=True)


def metric(partials: pl.DataFrame, spec: MetricComponent, kept: KeyFilter) -> Any:
    """A count, sum, mean, minimum or maximum from the partials of the kept keys."""
    rows = _kept(partials, kept)
    if spec.agg == "count":
        return int(rows.select(pl.col(ROWS).sum()).collect().item() or 0)
    expressions = {
        "sum": pl.col(SUM).sum(),
        "mean": _mean(),
        "min": pl.col(LOW).min(),
        "max": pl.col(HIGH).max(),
    }
    found = rows.select(expressions[spec.agg].alias("v"), pl.col(ROWS).sum().alias("n")).collect()
    value = found["v"][0]
    return None if not found["n"][0] or value is None else value


def _mean() -> pl.Expr:
    nonnull = pl.col(NONNULL).sum()
    return pl.when(nonnull > 0).then(pl.col(SUM).sum() / nonnull).otherwise(None)


def _kept(partials: pl.DataFrame, kept: KeyFilter) -> pl.LazyFrame:
    rows = partials.lazy()
    if kept.column is not None and kept.keys is not None:
        rows = rows.filter(pl.col(kept.column).is_in(kept.keys.implode()))
    return rows


def _groups(spec: Any) -> list[str]:
    if spec.kind in ("bar", "histogram"):
        return [c for c in (spec.x, spec.color, spec.facet) if c]
    if spec.kind == "heatmap":
        return [c for c in (spec.x, spec.y) if c]
    if spec.kind == "pie":
        return [spec.x] if spec.x else []
    return list(dict.fromkeys(spec.path))


def _measured(spec: Any) -> str | None:
    if isinstance(spec, MetricComponent):
        return spec.column if spec.agg != "count" else None
    return {"bar": spec.y, "heatmap": spec.z}.get(spec.kind, spec.values)  # type: ignore[no-any-return]


def _numeric(schema: pl.Schema, column: str | None) -> bool:
    dtype = schema.get(column) if column else None
    return dtype is not None and (
        (dtype.is_numeric() and not isinstance(dtype, pl.Decimal)) or dtype == pl.Boolean
    )
