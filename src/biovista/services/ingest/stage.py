"""Parsed files wait as Arrow IPC in a scratch folder until their collection is committed.

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

from biovista.storage.scan import FoundFile


@dataclass(frozen=True)
class StagedFile:
    found: FoundFile
    sha256: str
    rows: int
    schema: pl.Schema
    arrow_file: Path


def stage(
    frame: pl.DataFrame, found: FoundFile, sha256: str, folder: Path, index: int
) -> StagedFile:
    """Uncompressed IPC: staging is written and read once, so speed beats size here."""
    target = folder / f"{index:06d}.arrow"
    frame.write_ipc(target, compression="uncompressed", compat_level=pl.CompatLevel.oldest())
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
    """Each staged file as Arrow batches of ``schema`` (a missing column is null)."""
    target = arrow_schema(schema)
    for item in staged:
        if item.schema == schema:
            yield from _read_batches(item.arrow_file, target)
            continue
        frame = pl.read_ipc(item.arrow_file)
        aligned = frame.select(
            pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype).alias(name)
            for name, dtype in schema.items()
        )
        yield from aligned.to_arrow().to_batches(max_chunksize=256 * 1024)


def _read_batches(path: Path, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """Batches read into memory (not memory-mapped: the writer may hold them after we
    move on to the next file)."""
    with pa.OSFile(str(path), "rb") as source:
        reader = pa.ipc.open_file(source)
        for index in range(reader.num_record_batches):
            batch = reader.get_batch(index)
            yield batch if batch.schema == schema else batch.cast(schema)
