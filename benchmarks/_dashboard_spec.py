"""The benchmark's dashboard (30 components over three linked collections) and its filter rounds,
and what both sides of the benchmark share: how results are compared, and the clocks.

No biovista import: the same definitions drive biovista (as a dashboard file imported into
the project) and the plain-polars floor, which must compute the same results.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import yaml

TISSUE_FILTER = "tissue"
DATE_FILTER = "collected"

FILTERS: list[dict[str, Any]] = [
    {"type": "filter", "id": TISSUE_FILTER, "collection": "samples", "kind": "multiselect",
     "column": "tissue"},
    {"type": "filter", "id": DATE_FILTER, "collection": "samples", "kind": "date_range",
     "column": "collected_on"},
]  # fmt: skip

METRICS: list[dict[str, Any]] = [
    {"id": "n_samples", "collection": "samples", "agg": "count"},
    {"id": "n_features", "collection": "expression", "agg": "distinct", "column": "feature_id"},
    {"id": "n_measurements", "collection": "expression", "agg": "count"},
    {"id": "mean_log2", "collection": "expression", "agg": "mean", "column": "log2_value"},
    {"id": "median_tpm", "collection": "expression", "agg": "median", "column": "value",
     "unit": "TPM"},
    {"id": "total_reads", "collection": "qc", "agg": "sum", "column": "reads"},
    {"id": "mean_mapped", "collection": "qc", "agg": "mean", "column": "mapped_pct", "unit": "%"},
    {"id": "p90_duplication", "collection": "qc", "agg": "percentile",
     "column": "duplication_pct", "percentile": 90, "unit": "%"},
]  # fmt: skip

AGGREGATES: list[dict[str, Any]] = [
    {"id": "tpm_by_biotype", "collection": "expression", "kind": "bar", "x": "gene_biotype",
     "y": "value"},
    {"id": "rows_by_chromosome", "collection": "expression", "kind": "bar", "x": "chromosome"},
    {"id": "log2_histogram", "collection": "expression", "kind": "histogram", "x": "log2_value"},
    {"id": "log2_by_biotype", "collection": "expression", "kind": "box", "x": "gene_biotype",
     "y": "log2_value"},
    {"id": "sample_chromosome_heatmap", "collection": "expression", "kind": "heatmap",
     "x": "sample_id", "y": "chromosome", "z": "log2_value"},
    {"id": "counts_by_biotype", "collection": "expression", "kind": "pie", "x": "gene_biotype",
     "values": "counts"},
    {"id": "mapped_histogram", "collection": "qc", "kind": "histogram", "x": "mapped_pct"},
    {"id": "duplication_violin", "collection": "qc", "kind": "violin", "x": "passed",
     "y": "duplication_pct"},
    {"id": "design_bar", "collection": "samples", "kind": "bar", "x": "condition",
     "color": "tissue"},
    {"id": "design_sunburst", "collection": "samples", "kind": "sunburst",
     "path": ["tissue", "condition"]},
]  # fmt: skip

POINTS: list[dict[str, Any]] = [
    {"id": "counts_vs_tpm", "collection": "expression", "kind": "scatter", "x": "value",
     "y": "counts", "log_x": True, "log_y": True},
    {"id": "log2_vs_position", "collection": "expression", "kind": "line", "x": "position",
     "y": "log2_value"},
    {"id": "counts_vs_log2", "collection": "expression", "kind": "scatter", "x": "log2_value",
     "y": "counts", "color": "gene_biotype"},
    {"id": "reads_vs_mapped", "collection": "qc", "kind": "scatter", "x": "reads",
     "y": "mapped_pct", "color": "passed"},
    {"id": "gc_vs_duplication", "collection": "qc", "kind": "scatter", "x": "gc_pct",
     "y": "duplication_pct"},
    {"id": "age_vs_rin", "collection": "samples", "kind": "scatter", "x": "age_weeks", "y": "rin",
     "color": "condition"},
]  # fmt: skip

TABLES: list[dict[str, Any]] = [
    {"id": "expression_rows", "collection": "expression",
     "columns": ["sample_id", "feature_id", "gene_biotype", "value", "log2_value"]},
    {"id": "expression_all", "collection": "expression", "page_size": 100},
    {"id": "qc_rows", "collection": "qc"},
    {"id": "sample_sheet", "collection": "samples"},
]  # fmt: skip

CATEGORIES = ("metric card", "aggregate figure", "point plot", "table", "filter")


def components() -> list[dict[str, Any]]:
    """All 30 components, each a dashboard-file entry with its ``type``."""
    return [
        *FILTERS,
        *({"type": "metric", **m} for m in METRICS),
        *({"type": "figure", **f} for f in AGGREGATES),
        *({"type": "figure", **f} for f in POINTS),
        *({"type": "table", **t} for t in TABLES),
    ]


def category(component: dict[str, Any]) -> str:
    """The group a component's timings are reported in."""
    if component["type"] == "figure":
        return "point plot" if component["kind"] in ("scatter", "line") else "aggregate figure"
    return {"metric": "metric card", "table": "table", "filter": "filter"}[component["type"]]


def dashboard_yaml() -> str:
    """The dashboard file a user would import."""
    document = {
        "version": 1,
        "title": "Expression overview (benchmark)",
        "tabs": [{"name": "Overview", "components": components()}],
    }
    return yaml.safe_dump(document, sort_keys=False, width=100)


def spec_digest() -> str:
    return hashlib.sha256(dashboard_yaml().encode()).hexdigest()[:16]


TISSUE_VALUES: list[list[str]] = [
    ["liver"],
    ["brain", "kidney", "heart", "lung", "muscle"],
    ["kidney", "heart"],
    ["liver", "brain", "lung"],
    ["muscle"],
    ["heart", "lung", "muscle", "liver"],
    ["brain"],
    ["kidney", "lung", "muscle"],
    ["liver", "heart"],
    ["brain", "kidney", "heart", "lung", "muscle", "liver"],
]
DATE_VALUES: list[list[str]] = [
    ["2024-01-01", "2025-06-30"],
    ["2024-04-01", "2025-12-31"],
    ["2024-07-01", "2024-12-31"],
    ["2024-02-15", "2025-11-15"],
    ["2025-01-01", "2025-12-31"],
    ["2024-03-10", "2025-03-10"],
    ["2023-12-01", "2026-01-31"],
    ["2024-09-01", "2025-08-31"],
    ["2024-05-20", "2025-02-20"],
    ["2024-01-10", "2025-12-20"],
]


def rounds() -> list[dict[str, Any]]:
    """20 filter states, as a viewer reaches them: each round changes one filter to a value
    that no earlier round used (so no state repeats and a result cache could not help)."""
    states: list[dict[str, Any]] = []
    values: dict[str, Any] = {}
    for tissues, dates in zip(TISSUE_VALUES, DATE_VALUES, strict=True):
        values = {**values, TISSUE_FILTER: tissues}
        states.append(values)
        values = {**values, DATE_FILTER: dates}
        states.append(values)
    return states


def frame_print(frame: pl.DataFrame) -> dict[str, Any]:
    """What identifies a small result: its non-float cells exactly (hashed), and per float
    column its sum, sum of squares and a position-weighted sum, compared with a tolerance
    by :func:`same` (two correct engines may add floats in another order)."""
    exact = frame.select(c for c, dtype in frame.schema.items() if not dtype.is_float())
    payload = json.dumps({"columns": frame.columns, "rows": exact.rows()}, default=str)
    weights = pl.int_range(1, pl.len() + 1).cast(pl.Float64)
    floats = frame.select(
        pl.concat_list(
            pl.col(c).sum(), (pl.col(c) ** 2).sum(), (pl.col(c) * weights).sum(),
            pl.col(c).null_count().cast(pl.Float64),
        ).alias(c)
        for c, dtype in frame.schema.items()
        if dtype.is_float()
    )  # fmt: skip
    return {
        "exact": hashlib.sha256(payload.encode()).hexdigest()[:16],
        "height": frame.height,
        "floats": floats.row(0, named=True) if floats.width else {},
    }


def same(a: Any, b: Any) -> bool:
    """Equal, with floats equal to 1e-9 of their size (NaN equals NaN)."""
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, int | float) or not isinstance(b, int | float):
            return False
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def plain(value: Any) -> Any:
    """A result as JSON can carry it (dates as ISO text)."""
    return json.loads(json.dumps(value, default=str))


@dataclass
class Stopwatch:
    """Wall and CPU seconds since it was made. CPU time counts every thread of the process,
    so it stays meaningful when other programs compete for the cores (wall time does not)."""

    wall: float = field(default_factory=time.perf_counter)
    cpu: float = field(default_factory=time.process_time)

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def load() -> float:
    """The machine's one-minute load average: above the core count, others compete."""
    return os.getloadavg()[0]


def timing(outcome: dict[str, Any]) -> str:
    """A render's times for a progress line."""
    return (
        f"{outcome['seconds']:.2f} s (CPU {outcome['cpu_seconds']:.2f} s, "
        f"load {outcome['load']:.1f})"
    )


def middle(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """The outcome with the median wall time (the upper one of an even count)."""
    return sorted(outcomes, key=lambda outcome: float(outcome["seconds"]))[len(outcomes) // 2]
