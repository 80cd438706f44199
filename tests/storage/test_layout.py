"""Optimizing a Delta table: clustering sorts row groups, compaction merges small files, and
neither changes the rows or breaks a reader of the previous version."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable
from tests.s3_server import Bucket

from biovista.config import Settings
from biovista.errors import StorageError
from biovista.services.ingest.stage import arrow_schema
from biovista.storage import layout
from biovista.storage.tables import TableStore


@pytest.fixture(autouse=True)
def small_row_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Row groups of 500 rows, so a few thousand rows show the layout."""
    monkeypatch.setattr(layout, "ROW_GROUP_ROWS", 500)


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> TableStore:
    if request.param == "local":
        return TableStore(Settings(data_dir=tmp_path))
    bucket: Bucket = request.getfixturevalue("s3_bucket")
    return TableStore(bucket.settings(tmp_path, s3_bucket=bucket.name, s3_prefix="lake"))


def run_file(run: int, rows: int = 1000) -> pl.DataFrame:
    """One source file's rows: every run holds every key, so arrival order is unclustered."""
    keys = [f"K{(i * 37 + run) % 100:03d}" for i in range(rows)]
    values = [i * 10 + run for i in range(rows)]
    return pl.DataFrame({"_file": f"run_{run}/x.csv", "key": keys, "value": values})


def write_runs(store: TableStore, runs: range) -> None:
    for run in runs:
        frame = run_file(run)
        schema = arrow_schema(frame.schema)
        batches = frame.to_arrow().to_batches()
        store.replace("t", schema, batches, f"_file IN ('run_{run}/x.csv')", f"ingest-{run}")


def key_ranges(table: DeltaTable) -> list[tuple[str, str]]:
    """(min, max) of ``key`` per row group, in file and row-group order."""
    ranges = []
    for uri in table.file_uris():
        meta = pq.ParquetFile(uri).metadata
        column = meta.schema.names.index("key")
        for index in range(meta.num_row_groups):
            stats = meta.row_group(index).column(column).statistics
            ranges.append((stats.min, stats.max))
    return ranges


def test_cluster_sorts_row_groups_and_keeps_the_rows(store: TableStore) -> None:
    write_runs(store, range(6))
    before = store.scan("t").sort("_file", "value").collect()
    old = store.open("t")
    assert old is not None
    old_version = old.version()

    report = store.optimize("t", ["key"], reason="test")

    assert (report.action, report.cluster_by, report.reason) == ("cluster", ["key"], "test")
    assert report.files_removed == 6 and report.files_added >= 1
    assert report.rows == 6000 and report.version > old_version
    after = store.scan("t").sort("_file", "value").collect()
    assert after.equals(before)
    # A reader still on the previous version finds its files (nothing is vacuumed yet).
    stale = pl.scan_delta(
        store.uri("t"), version=old_version, storage_options=store.storage_options
    )
    assert stale.select(pl.len()).collect().item() == 6000
    current = store.layout("t")
    assert current is not None and current.state == layout.LayoutState(("key",), 0)


def test_clustered_row_groups_barely_overlap(tmp_path: Path) -> None:
    store = TableStore(Settings(data_dir=tmp_path))
    write_runs(store, range(6))
    table = store.open("t")
    assert table is not None
    unclustered = key_ranges(table)
    assert all(lo <= "K005" and hi >= "K095" for lo, hi in unclustered)

    store.optimize("t", ["key"], reason="first clustering")

    clustered = DeltaTable(store.uri("t"))
    recorded = json.loads(clustered.history(1)[0][layout.LAYOUT_TAG])
    assert recorded == {"cluster_by": ["key"], "unclustered_rows": 0, "reason": "first clustering"}
    ranges = key_ranges(clustered)
    assert len(ranges) == 12  # 6,000 rows in groups of 500
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ranges))
    # One key lives in one row group, or two where it crosses a boundary.
    assert max(sum(lo <= k <= hi for lo, hi in ranges) for k in ("K000", "K050", "K099")) <= 2


def test_rows_written_after_clustering_count_as_unclustered(store: TableStore) -> None:
    write_runs(store, range(4))
    store.optimize("t", ["key"])
    write_runs(store, range(4, 5))

    current = store.layout("t")

    assert current is not None
    assert current.state == layout.LayoutState(("key",), 1000)
    assert current.unclustered_share == pytest.approx(0.2)


def test_compact_merges_small_files_and_keeps_the_clustering_state(store: TableStore) -> None:
    write_runs(store, range(3))
    store.optimize("t", ["key"])
    write_runs(store, range(3, 6))
    current = store.layout("t")
    assert current is not None and current.files > 1

    report = store.optimize("t", [])

    assert report.action == "compact" and report.files_added == 1
    compacted = store.layout("t")
    assert compacted is not None and compacted.files == 1
    assert compacted.state == layout.LayoutState(("key",), 3000)
    assert store.scan("t").select(pl.len()).collect().item() == 6000


def test_never_optimized_table_has_no_layout_state(store: TableStore) -> None:
    write_runs(store, range(2))
    current = store.layout("t")
    assert current is not None
    assert (current.rows, current.files, current.state) == (2000, 2, None)
    assert current.unclustered_share == 1.0
    assert store.layout("missing") is None


def test_optimize_errors_are_storage_errors(store: TableStore) -> None:
    with pytest.raises(StorageError, match="not been written"):
        store.optimize("missing", ["key"])
    write_runs(store, range(1))
    with pytest.raises(StorageError, match="optimizing table"):
        store.optimize("t", ["no_such_column"])
