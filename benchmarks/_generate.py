"""Deterministic synthetic workflow outputs for the ingest benchmark.

Each run folder holds three CSV files, the shape of a typical expression workflow:
a long counts table (most rows), per-sample QC metrics, and a small sample sheet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

SHARES = {"counts": 10.0 / 12, "qc_metrics": 1.5 / 12, "sample_info": 0.5 / 12}

PROJECT_YAML = """\
name: bench
description: Synthetic workflow outputs for the ingest benchmark
runs:
  root: ./runs
  pattern: 'run_(?P<run>\\d+)_(?P<batch>[a-z]+)'
collections:
  counts:
    files: 'counts\\.csv'
    columns:
      sample: {type: str}
      count: {type: int}
      tpm: {type: float}
  qc_metrics:
    files: 'qc_metrics\\.csv'
    columns:
      value: {type: float}
      measured: {type: date}
  sample_info:
    files: 'sample_info\\.csv'
links:
  - {from: sample_info.sample, to: counts.sample}
  - {from: sample_info.sample, to: qc_metrics.sample}
"""

BATCHES = ["alpha", "beta", "gamma", "delta"]


def rows_per_run(total: int, runs: int) -> dict[str, list[int]]:
    """Split ``total`` rows over collections and runs; the counts add up exactly."""
    per_collection = {name: int(total * share) for name, share in SHARES.items()}
    per_collection["counts"] += total - sum(per_collection.values())
    return {
        name: [count // runs + (1 if run < count % runs else 0) for run in range(runs)]
        for name, count in per_collection.items()
    }


def run_folder(root: Path, run: int) -> Path:
    return root / "runs" / f"run_{run:04d}_{BATCHES[run % len(BATCHES)]}"


def write_run(root: Path, run: int, sizes: dict[str, int]) -> None:
    folder = run_folder(root, run)
    folder.mkdir(parents=True, exist_ok=True)
    _counts(run, sizes["counts"]).write_csv(folder / "counts.csv")
    _qc(run, sizes["qc_metrics"]).write_csv(folder / "qc_metrics.csv")
    _samples(run, sizes["sample_info"]).write_csv(folder / "sample_info.csv")


def write_project(root: Path, runs: int, total_rows: int) -> dict[str, int]:
    """Write every run and the project file; return the rows per collection."""
    sizes = rows_per_run(total_rows, runs)
    for run in range(runs):
        write_run(root, run, {name: counts[run] for name, counts in sizes.items()})
    (root / "project.yaml").write_text(PROJECT_YAML)
    return {name: sum(counts) for name, counts in sizes.items()}


def _index(n: int) -> pl.Expr:
    return pl.int_range(0, n, dtype=pl.Int64)


def _sample(run: int, i: pl.Expr, samples: int = 24) -> pl.Expr:
    return pl.format("S{}_{}", pl.lit(run), (i % samples).cast(pl.String))


def _counts(run: int, n: int) -> pl.DataFrame:
    i = _index(n)
    noise = (i * 2_654_435_761 + run * 97) % 100_003
    return pl.select(
        _sample(run, i).alias("sample"),
        pl.format("ENSG{}", (i // 24).cast(pl.String).str.pad_start(8, "0")).alias("feature"),
        noise.alias("count"),
        (noise.cast(pl.Float64) / 7.3).round(4).alias("tpm"),
        (noise % 3 != 0).alias("detected"),
    )


def _qc(run: int, n: int) -> pl.DataFrame:
    i = _index(n)
    metrics = ["gc_percent", "dup_percent", "q30_percent", "mapped_percent", "reads_m", "insert"]
    return pl.select(
        _sample(run, i).alias("sample"),
        pl.lit(pl.Series(metrics)).gather(i % len(metrics)).alias("metric"),
        (((i * 7919 + run) % 10_000).cast(pl.Float64) / 100).alias("value"),
        pl.lit(date(2026, 1, 1)).dt.offset_by(pl.format("{}d", (run + i) % 300)).alias("measured"),
    )


def _samples(run: int, n: int) -> pl.DataFrame:
    i = _index(n)
    return pl.select(
        _sample(run, i, samples=max(n, 1)).alias("sample"),
        pl.when(i % 2 == 0).then(pl.lit("treated")).otherwise(pl.lit("control")).alias("condition"),
        (i % 8).alias("lane"),
        pl.lit(run % 4 == 0).alias("pilot"),
    )
