"""stage: files staged as Arrow IPC, one schema for all, streamed back in batches."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa

from biovista.services.ingest.stage import arrow_schema, batches, stage, unified_schema
from biovista.storage.scan import FoundFile


def found(path: str) -> FoundFile:
    return FoundFile("reads", path, "run_1", size=1, mtime_ns=1)


def test_a_staged_file_reads_back_as_written(tmp_path: Path) -> None:
    frame = pl.DataFrame({"sample": ["a", "b"], "reads": [1, 2]})
    staged = stage(frame, found("a.csv"), "f00", tmp_path, 7)
    assert staged.arrow_file == tmp_path / "000007.arrow"
    assert (staged.rows, staged.sha256, staged.found.path) == (2, "f00", "a.csv")
    assert pl.read_ipc(staged.arrow_file).equals(frame)


def test_the_schema_puts_table_columns_first_and_widens_types(tmp_path: Path) -> None:
    first = stage(pl.DataFrame({"reads": [1], "lane": ["1"]}), found("a"), "1", tmp_path, 0)
    second = stage(pl.DataFrame({"reads": [1.5], "gc": [0.4]}), found("b"), "2", tmp_path, 1)
    schema = unified_schema([first, second], {"sample": pl.String(), "reads": pl.Int64()})
    assert schema.names() == ["sample", "reads", "lane", "gc"]
    assert schema["reads"] == pl.Float64  # an integer column that met a fraction
    assert unified_schema([first], None).names() == ["reads", "lane"]


def test_batches_align_every_file_to_the_schema(tmp_path: Path) -> None:
    first = stage(pl.DataFrame({"reads": [1, 2], "lane": ["1", "2"]}), found("a"), "1", tmp_path, 0)
    second = stage(pl.DataFrame({"reads": [3.5]}), found("b"), "2", tmp_path, 1)
    schema = unified_schema([first, second], None)
    read = list(batches([first, second], schema))
    assert all(batch.schema == arrow_schema(schema) for batch in read)
    table = pa.Table.from_batches(read)
    assert table.column("reads").to_pylist() == [1.0, 2.0, 3.5]
    assert table.column("lane").to_pylist() == ["1", "2", None]  # missing: null


def test_a_file_already_in_the_schema_streams_unchanged(tmp_path: Path) -> None:
    frame = pl.DataFrame({"reads": list(range(1000))})
    staged = stage(frame, found("a"), "1", tmp_path, 0)
    read = list(batches([staged], staged.schema))
    assert sum(batch.num_rows for batch in read) == 1000
    assert pl.from_arrow(pa.Table.from_batches(read)).equals(frame)  # type: ignore[union-attr]
