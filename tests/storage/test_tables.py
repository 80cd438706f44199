"""Delta tables on a local folder and on S3: create, merge columns, replace by predicate."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from tests.s3_server import Bucket

from biovista.config import Settings
from biovista.services.ingest.stage import arrow_schema
from biovista.storage.tables import TableStore


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> TableStore:
    if request.param == "local":
        return TableStore(Settings(data_dir=tmp_path))
    bucket: Bucket = request.getfixturevalue("s3_bucket")
    return TableStore(bucket.settings(tmp_path, s3_bucket=bucket.name, s3_prefix="lake"))


def write(store: TableStore, frame: pl.DataFrame, predicate: str | None) -> int:
    schema = arrow_schema(frame.schema)
    return store.replace("t", schema, frame.to_arrow().to_batches(), predicate, "ingestion-1")


def test_create_merge_and_replace(store: TableStore) -> None:
    assert store.open("t") is None
    first = pl.DataFrame({"_file": ["a", "a", "b"], "x": [1, 2, 3]})
    assert write(store, first, None) == 0

    second = pl.DataFrame({"_file": ["b"], "x": [30], "note": ["new"]})
    assert write(store, second, "_file IN ('b')") == 1

    rows = store.scan("t").sort("x").collect()
    assert rows.rows() == [("a", 1, None), ("a", 2, None), ("b", 30, "new")]
    info = store.info("t")
    assert info is not None and info.version == 1
    assert [c["name"] for c in info.columns] == ["_file", "x", "note"]


def test_root_is_where_settings_say(store: TableStore, tmp_path: Path) -> None:
    if store.storage_options:
        assert store.root.startswith("s3://") and store.root.endswith("/lake/tables")
    else:
        assert store.root == str((tmp_path / "tables").resolve())
