"""Parsed files wait as Parquet in a scratch folder until their collection is committed.

Staging keeps memory bounded (one file in memory per worker) while still writing a whole
collection in a single Delta commit: the commit streams the staged files back in batches,
aligned to one schema that every file fits.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow as pa

from biovista.services.scan import FoundFile


@dataclass(frozen=True)
class StagedFile:
    found: FoundFile
    sha256: str
    rows: int
    schema: pl.Schema
    parquet: Path


def stage(
    frame: pl.DataFrame, found: FoundFile, sha256: str, folder: Path, index: int
) -> StagedFile:
    target = folder / f"{index:06d}.parquet"
    frame.write_parquet(target, compression="lz4", statistics=False)
    return StagedFile(found, sha256, frame.height, frame.schema, target)


def unified_schema(
    staged: Sequence[StagedFile], table_schema: Mapping[str, pl.DataType] | None
) -> pl.Schema:
    """Table columns first (in table order), then new columns; types widened to fit all."""
    empties = [pl.DataFrame(schema=dict(table_schema))] if table_schema else []
    empties += [pl.DataFrame(schema=s.schema) for s in staged]
    return pl.concat(empties, how="diagonal_relaxed").schema


def arrow_schema(schema: pl.Schema) -> pa.Schema:
    return pl.DataFrame(schema=schema).to_arrow().schema


def batches(staged: Sequence[StagedFile], schema: pl.Schema) -> Iterator[pa.RecordBatch]:
    """Each staged file, aligned to ``schema`` (missing columns are null), as Arrow batches."""
    for item in staged:
        frame = pl.read_parquet(item.parquet)
        aligned = frame.select(
            pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)
            for name, dtype in schema.items()
        )
        yield from aligned.to_arrow().to_batches(max_chunksize=256 * 1024)
