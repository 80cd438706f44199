"""The floor: the dashboard's 30 results computed with plain polars, no biovista at all.

It reads the same Delta tables with ``pl.scan_delta`` and computes exactly what the viewer
draws today (the same groups, the same every-k-th-row samples of point data, the same first
table pages and metric values), so both sides' results must agree. It is written as a
careful polars user would: the sample-sheet filter is resolved once per round to the set of
sample ids (a predicate the Parquet reader applies, not a join), every component is one
lazy query with only its columns, and of two ways to run them the faster counts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import polars as pl

from _dashboard_spec import (
    DATE_FILTER,
    TISSUE_FILTER,
    Stopwatch,
    components,
    frame_print,
    load,
    plain,
)

MAX_POINTS = 10_000
ROW = "_row"
LINK_COLUMN = "sample_id"
MISSING_LABEL = "(missing)"

Outcome = tuple[list[pl.LazyFrame], Any]
"""The lazy queries of one component and how to turn their frames into its result's print."""


def sample_conditions(state: dict[str, Any]) -> list[pl.Expr]:
    """The two sample-sheet filters as polars expressions."""
    conditions = []
    if state.get(TISSUE_FILTER):
        conditions.append(pl.col("tissue").is_in(list(state[TISSUE_FILTER])))
    if state.get(DATE_FILTER):
        low, high = (date.fromisoformat(v) for v in state[DATE_FILTER])
        conditions.append(pl.col("collected_on").is_between(low, high))
    return conditions


class Floor:
    """One round's scans and filtered frames."""

    def __init__(self, uris: dict[str, str], state: dict[str, Any]) -> None:
        self.scans = {name: pl.scan_delta(uri) for name, uri in uris.items()}
        self.conditions = sample_conditions(state)
        self.filtered = bool(self.conditions)
        self.keys: pl.Series | None = None
        if self.conditions:
            keys = self.scans["samples"].filter(*self.conditions).select(LINK_COLUMN).collect()
            self.keys = keys[LINK_COLUMN]

    def frame(self, collection: str, rows: bool = False, filtered: bool = True) -> pl.LazyFrame:
        frame = self.scans[collection]
        if rows:
            frame = frame.with_row_index(ROW)
        if not (filtered and self.filtered):
            return frame
        if collection == "samples":
            return frame.filter(*self.conditions)
        assert self.keys is not None
        return frame.filter(pl.col(LINK_COLUMN).is_in(self.keys.implode()))

    def outcome(self, component: dict[str, Any]) -> Outcome:
        """The queries of a component whose result does not need a row count first."""
        kind = component["type"]
        if kind == "filter":
            return self._options(component)
        if kind == "metric":
            return self._metric(component)
        if kind == "table":
            return self._table(component)
        return self._grouped(component)

    def _options(self, spec: dict[str, Any]) -> Outcome:
        column = pl.col(spec["column"])
        frame = self.scans[spec["collection"]]
        if spec["kind"] == "multiselect":
            query = frame.select(column.drop_nulls().unique().sort().head(1001))

            def options(df: pl.DataFrame) -> Any:
                values = df[spec["column"]].to_list()
                return plain({"values": values[:1000], "truncated": len(values) > 1000})

            return [query], options
        query = frame.select(column.min().alias("min"), column.max().alias("max"))

        def bounds(df: pl.DataFrame) -> Any:
            low, high = df["min"][0], df["max"][0]
            return plain({"min": low.isoformat()[:10], "max": high.isoformat()[:10]})

        return [query], bounds

    def _metric(self, spec: dict[str, Any]) -> Outcome:
        agg, column = spec.get("agg", "count"), pl.col(spec.get("column") or "")
        expressions = {
            "count": pl.len(),
            "distinct": column.drop_nulls().n_unique(),
            "sum": column.sum(),
            "mean": column.mean(),
            "median": column.median(),
            "percentile": column.quantile(spec.get("percentile", 0) / 100, interpolation="linear"),
        }
        wanted = [expressions[agg].alias("v"), pl.len().alias("n")]
        queries = [self.frame(spec["collection"]).select(wanted)]
        if self.filtered:
            queries.append(self.frame(spec["collection"], filtered=False).select(wanted))

        def values(*frames: pl.DataFrame) -> Any:
            found = [None if f["n"][0] == 0 else f["v"][0] for f in frames]
            return plain(found if len(found) == 2 else found * 2)

        return queries, values

    def _table(self, spec: dict[str, Any]) -> Outcome:
        frame = self.frame(spec["collection"])
        shown = spec.get("columns") or frame.collect_schema().names()
        page = frame.select(shown).head(spec.get("page_size", 50))
        count = frame.select(pl.len())

        def table(rows: pl.DataFrame, total: pl.DataFrame) -> Any:
            return plain([frame_print(rows), int(total.item())])

        return [page, count], table

    def _grouped(self, spec: dict[str, Any]) -> Outcome:
        kind, x, y = spec["kind"], spec.get("x"), spec.get("y")
        frame = self.frame(spec["collection"])
        if kind == "bar":
            keys = [c for c in (x, spec.get("color"), spec.get("facet")) if c]
            value = pl.col(y).sum().alias(y) if y else pl.len().alias("count")
        elif kind == "heatmap":
            keys = [x, y]
            value = (pl.col(spec["z"]).mean() if spec.get("z") else pl.len()).alias("value")
        else:
            values = spec.get("values")
            value = (pl.col(values).sum() if values else pl.len()).alias("value")
            keys = [x] if kind == "pie" else list(dict.fromkeys(spec["path"]))
            frame = frame.with_columns(
                pl.col(k).cast(pl.String).fill_null(MISSING_LABEL) for k in keys
            )
        query = frame.group_by(keys).agg(value, pl.len().alias("_rows")).sort(keys, nulls_last=True)

        def grouped(df: pl.DataFrame) -> Any:
            return plain([frame_print(df.drop("_rows")), int(df["_rows"].sum())])

        return [query], grouped

    def box(self, spec: dict[str, Any]) -> Outcome:
        """Exact quartiles (linear), mean, Tukey's whiskers, extremes and count per group."""
        keys = [c for c in (spec.get("x"), spec.get("color")) if c]
        y = pl.col(spec["y"]).cast(pl.Float64)
        q1, q3 = y.quantile(0.25, "linear"), y.quantile(0.75, "linear")
        stats = [
            q1.alias("q1"), y.quantile(0.5, "linear").alias("median"), q3.alias("q3"),
            y.mean().alias("mean"),
            y.filter(y >= q1 - 1.5 * (q3 - q1)).min().alias("lowerfence"),
            y.filter(y <= q3 + 1.5 * (q3 - q1)).max().alias("upperfence"),
            y.min().alias("min"), y.max().alias("max"), pl.len().alias("count"),
        ]  # fmt: skip
        present = self.frame(spec["collection"]).filter(pl.col(spec["y"]).is_not_null())
        query = present.group_by(keys).agg(stats).sort(keys) if keys else present.select(stats)

        def boxes(df: pl.DataFrame) -> Any:
            return plain([frame_print(df), int(df["count"].sum())])

        return [query], boxes

    def bounds(self, spec: dict[str, Any]) -> pl.LazyFrame:
        """The value range a histogram (over the whole table, so that bars keep their places
        while filtering) or a violin (over the filtered rows) bins: its first pass."""
        histogram = spec["kind"] == "histogram"
        column = spec["x"] if histogram else spec["y"]
        frame = self.frame(spec["collection"], filtered=not histogram)
        present = frame.filter(pl.col(column).is_not_null())
        value = pl.col(column).cast(pl.Float64)
        return present.select(value.min().alias("low"), value.max().alias("high"))

    def binned(self, spec: dict[str, Any], low: float, high: float) -> pl.LazyFrame:
        """Counts per equal-width bin (40 for a histogram, 48 for a violin's density)."""
        histogram = spec["kind"] == "histogram"
        bins = 40 if histogram else 48
        column = spec["x"] if histogram else spec["y"]
        width = (high - low) / bins if high > low else 1.0
        index = ((pl.col(column).cast(pl.Float64) - low) / width).floor().clip(0, bins - 1)
        present = self.frame(spec["collection"]).filter(pl.col(column).is_not_null())
        keys = [] if histogram else [c for c in (spec.get("x"), spec.get("color")) if c]
        counted = present.group_by(*keys, index.cast(pl.Int32).alias("_bin")).agg(
            pl.len().alias("count")
        )
        if histogram:
            start = pl.lit(low) + pl.col("_bin") * width
            return counted.select(
                start.alias("bin_start"), (start + width).alias("bin_end"), "count"
            ).sort("bin_start")
        middle = (pl.lit(low) + (pl.col("_bin") + 0.5) * width).alias("bin_mid")
        shapes = counted.sort("_bin").select(*keys, middle, pl.col("count").alias("bin_count"))
        return shapes.group_by(keys, maintain_order=True).agg("bin_mid", "bin_count").sort(keys)

    def sample(self, spec: dict[str, Any], total: int) -> pl.LazyFrame:
        """Every k-th matching row in table order, k = ceil(total / MAX_POINTS), as biovista
        draws point data (the row id comes along for scatter and line, to select points)."""
        named = [spec.get(k) for k in ("x", "y", "z", "color", "facet", "values")]
        columns = list(dict.fromkeys(c for c in named if c))
        points = spec["kind"] in ("scatter", "line")
        frame = self.frame(spec["collection"], rows=points)
        sample = frame.select([*columns, ROW] if points else columns)
        if total > MAX_POINTS:
            sample = sample.gather_every(-(-total // MAX_POINTS))
        if spec["kind"] == "line":
            sample = sample.sort(spec["x"], nulls_last=True, maintain_order=True)
        return sample.head(MAX_POINTS)


def is_sampled(component: dict[str, Any]) -> bool:
    """Point plots draw a sample of the matching rows."""
    return component["type"] == "figure" and component["kind"] in ("scatter", "line")


def is_binned(component: dict[str, Any]) -> bool:
    """Histograms and violins count rows per bin of a range they must find first."""
    return component["type"] == "figure" and component["kind"] in ("histogram", "violin")


def floor_round(uris: dict[str, str], state: dict[str, Any]) -> dict[str, Any]:
    """Wall and CPU seconds to compute all 30 results for ``state``, and each result's print.

    Two plain-polars strategies are timed and the faster counts: every query on its own
    (lowest memory), or all of them at once with ``pl.collect_all`` (concurrent, sharing
    common sub-plans). Neither wins everywhere on two cores."""
    alone = _timed(uris, state, lambda queries: [query.collect() for query in queries])
    together = _timed(uris, state, pl.collect_all)
    best = min(alone, together, key=lambda outcome: float(outcome["seconds"]))
    return {
        **best,
        "strategy": "one by one" if best is alone else "collect_all",
        "other_seconds": (together if best is alone else alone)["seconds"],
    }


def _timed(
    uris: dict[str, str],
    state: dict[str, Any],
    collect: Callable[[list[pl.LazyFrame]], list[pl.DataFrame]],
) -> dict[str, Any]:
    """Everything but the samples of point data, with the number of rows each sampled
    figure matches; then the samples, whose step needs that number."""
    clock = Stopwatch()
    floor = Floor(uris, state)
    sampled = [c for c in components() if is_sampled(c)]
    binned = [c for c in components() if is_binned(c)]
    outcomes = {
        c["id"]: floor.box(c) if c["type"] == "figure" and c["kind"] in ("box", "violin")
        else floor.outcome(c)
        for c in components()
        if not is_sampled(c) and not (is_binned(c) and c["kind"] == "histogram")
    }  # fmt: skip
    counts = [floor.frame(c["collection"]).select(pl.len()) for c in sampled]
    ranges = [floor.bounds(c) for c in binned]
    queries = [query for parts, _ in outcomes.values() for query in parts]
    frames = iter(collect([*counts, *ranges, *queries]))
    totals = [int(next(frames).item()) for _ in sampled]
    edges = [next(frames).row(0) for _ in binned]
    results = {cid: [next(frames) for _ in parts] for cid, (parts, _) in outcomes.items()}
    second = [floor.sample(c, n) for c, n in zip(sampled, totals, strict=True)]
    second += [floor.binned(c, *edge) for c, edge in zip(binned, edges, strict=True)]
    later = iter(collect(second))
    samples = [next(later) for _ in sampled]
    bins = {c["id"]: next(later) for c in binned}
    seconds, cpu = clock.read()
    prints = {cid: outcomes[cid][1](*frames_of) for cid, frames_of in results.items()}
    for component, total, rows in zip(sampled, totals, samples, strict=True):
        prints[component["id"]] = plain([frame_print(rows), total])
    for component in binned:
        prints[component["id"]] = _binned_print(component, bins[component["id"]], results)
    return {"seconds": seconds, "cpu_seconds": cpu, "load": load(), "prints": prints}


def _binned_print(
    component: dict[str, Any], counted: pl.DataFrame, results: dict[str, list[pl.DataFrame]]
) -> Any:
    """A histogram's bins; a violin's box statistics with its bins joined on."""
    if component["kind"] == "histogram":
        return plain([frame_print(counted), int(counted["count"].sum())])
    stats = results[component["id"]][0]
    keys = [c for c in (component.get("x"), component.get("color")) if c]
    joined = (
        stats.join(counted, on=keys, how="left", nulls_equal=True)
        if keys
        else (pl.concat([stats, counted], how="horizontal"))
    )
    return plain([frame_print(joined), int(joined["count"].sum())])
