"""Deterministic workflow outputs for the dashboard benchmark, written as a workflow leaves them.

A sample sheet (CSV, one row per sample) beside the results folder; per batch of samples a
run folder holding one quantification file per sample (Parquet, one row per feature: the
long table) and one QC summary (Parquet, one row per sample):

    samplesheet.csv
    results/batch_01/quant/S0001.parquet ... results/batch_01/qc/qc_summary.parquet

Everything is vectorised with numpy and seeded, so a given scale always yields the same
bytes. At scale 1: 500 samples x 24,000 features = 12,000,000 expression rows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

SEED = 20_261_122
SAMPLES = 500
FEATURES = 24_000
BATCHES = 10
TISSUES = ("liver", "brain", "kidney", "heart", "lung", "muscle")
CONDITIONS = ("control", "treated", "knockout", "rescue")
BIOTYPES = {
    "protein_coding": 0.55,
    "lncRNA": 0.20,
    "processed_pseudogene": 0.10,
    "miRNA": 0.05,
    "snRNA": 0.04,
    "misc_RNA": 0.03,
    "rRNA": 0.02,
    "TEC": 0.01,
}
CHROMOSOMES = [*(str(n) for n in range(1, 23)), "X", "Y", "MT"]
FIRST_DAY = date(2024, 1, 1)

PROJECT_YAML = """\
name: dashboard-bench
description: Synthetic RNA-seq outputs for the dashboard benchmark (500 samples)
runs:
  root: ./results
  pattern: 'batch_\\d+'
collections:
  samples:
    path: samplesheet.csv
    description: One row per sample
    columns:
      sample_id: {type: str}
      collected_on: {type: date}
  expression:
    files: 'quant/S\\d+\\.parquet'
    description: One row per sample and feature
  qc:
    files: 'qc/qc_summary\\.parquet'
    description: Per-sample QC
links:
  - {from: samples.sample_id, to: expression.sample_id}
  - {from: samples.sample_id, to: qc.sample_id}
"""


def feature_count(scale: float) -> int:
    """Features per sample at ``scale`` (the sample sheet keeps its 500 samples)."""
    return max(10, round(FEATURES * scale))


def sample_sheet(rng: np.random.Generator) -> pl.DataFrame:
    index = np.arange(SAMPLES)
    per_batch = SAMPLES // BATCHES
    return pl.DataFrame(
        {
            "sample_id": [f"S{n + 1:04d}" for n in index],
            "donor_id": [f"D{n // 4 + 1:03d}" for n in index],
            "condition": np.array(CONDITIONS)[index % len(CONDITIONS)],
            "batch": [f"B{n // per_batch + 1:02d}" for n in index],
            "tissue": rng.choice(TISSUES, SAMPLES),
            "sex": rng.choice(["female", "male"], SAMPLES),
            "collected_on": [
                FIRST_DAY + timedelta(days=int(d)) for d in rng.integers(0, 731, SAMPLES)
            ],
            "age_weeks": rng.integers(8, 81, SAMPLES),
            "rin": rng.uniform(5.0, 10.0, SAMPLES).round(1),
        }
    )


def features(rng: np.random.Generator, count: int) -> pl.DataFrame:
    """One row per feature: what does not change between samples."""
    chromosome = rng.choice(CHROMOSOMES, count)
    return pl.DataFrame(
        {
            "feature_id": [f"ENSG{n + 1:011d}" for n in range(count)],
            "gene_biotype": rng.choice(list(BIOTYPES), count, p=list(BIOTYPES.values())),
            "chromosome": chromosome,
            "position": rng.integers(1, 250_000_000, count),
            "base": rng.normal(1.5, 2.5, count),
            "response": np.where(rng.random(count) < 0.1, rng.normal(0, 1.5, count), 0.0),
        }
    )


def quantification(
    rng: np.random.Generator, sample: dict[str, object], feature_table: pl.DataFrame
) -> pl.DataFrame:
    """One sample's long table: TPM, its log2, raw counts and whether it was detected."""
    count = feature_table.height
    treated = 0.0 if sample["condition"] == "control" else 1.0
    depth = rng.uniform(0.5, 3.0)
    log2 = np.clip(
        feature_table["base"].to_numpy()
        + rng.normal(0.0, 0.3)
        + treated * feature_table["response"].to_numpy()
        + rng.normal(0.0, 0.6, count),
        0.0,
        16.0,
    )
    tpm = np.round(np.exp2(log2) - 1.0, 3)
    counts = np.rint(tpm * depth).astype(np.int64)
    return pl.DataFrame(
        {
            "sample_id": pl.repeat(str(sample["sample_id"]), count, eager=True, dtype=pl.String),
            "feature_id": feature_table["feature_id"],
            "gene_biotype": feature_table["gene_biotype"],
            "chromosome": feature_table["chromosome"],
            "position": feature_table["position"],
            "counts": counts,
            "value": tpm,
            "log2_value": np.round(log2, 4),
            "detected": counts > 0,
        }
    )


def qc_summary(rng: np.random.Generator, sample_ids: list[str]) -> pl.DataFrame:
    n = len(sample_ids)
    mapped = np.clip(rng.normal(88.0, 6.0, n), 40.0, 99.5).round(2)
    duplication = np.clip(rng.normal(25.0, 10.0, n), 2.0, 80.0).round(2)
    return pl.DataFrame(
        {
            "sample_id": sample_ids,
            "reads": np.clip(rng.normal(30e6, 8e6, n), 2e6, None).astype(np.int64),
            "mapped_pct": mapped,
            "assigned_pct": np.clip(mapped - rng.uniform(5, 20, n), 10, 99).round(2),
            "duplication_pct": duplication,
            "gc_pct": rng.normal(47.0, 3.0, n).round(2),
            "q30_pct": np.clip(rng.normal(92.0, 3.0, n), 60, 99.9).round(2),
            "insert_size": rng.normal(280, 40, n).astype(np.int64),
            "passed": (mapped >= 75.0) & (duplication <= 50.0),
        }
    )


def write_project(root: Path, scale: float, advance: Callable[[int], None]) -> dict[str, int]:
    """Write the project file and every data file below ``root``; return rows per collection.

    ``advance`` is called with the number of samples written so far (for a progress bar)."""
    rng = np.random.default_rng(SEED)
    sheet = sample_sheet(rng)
    feature_table = features(rng, feature_count(scale))
    root.mkdir(parents=True, exist_ok=True)
    sheet.write_csv(root / "samplesheet.csv")
    (root / "project.yaml").write_text(PROJECT_YAML)
    written = 0
    for (batch,), members in sheet.group_by("batch", maintain_order=True):
        folder = root / "results" / f"batch_{str(batch)[1:]}"
        (folder / "quant").mkdir(parents=True, exist_ok=True)
        (folder / "qc").mkdir(parents=True, exist_ok=True)
        for sample in members.iter_rows(named=True):
            frame = quantification(rng, sample, feature_table)
            frame.write_parquet(folder / "quant" / f"{sample['sample_id']}.parquet")
            written += 1
            advance(written)
        qc_summary(rng, members["sample_id"].to_list()).write_parquet(
            folder / "qc" / "qc_summary.parquet"
        )
    return {
        "samples": sheet.height,
        "expression": sheet.height * feature_table.height,
        "qc": sheet.height,
    }
