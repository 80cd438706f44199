"""Run folders in S3, read through a real S3 HTTP endpoint."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from tests.s3_server import Bucket

from biovista.errors import StorageError
from biovista.storage.s3 import S3Source

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture
def source(s3_bucket: Bucket, tmp_path: Path) -> S3Source:
    s3_bucket.upload_tree(DATA / "penguins", "results/penguins")
    s3_bucket.client().put_object(Bucket=s3_bucket.name, Key="results/penguins/.hidden", Body=b"x")
    s3_bucket.client().put_object(Bucket=s3_bucket.name, Key="results/penguins/empty/", Body=b"")
    settings = s3_bucket.settings(tmp_path)
    return S3Source(f"s3://{s3_bucket.name}/results/penguins", settings)


def test_walk_lists_files_relative_to_the_prefix(source: S3Source) -> None:
    entries = {e.path: e for e in source.walk()}
    assert sorted(entries) == [
        f"run_{run}/{name}"
        for run in ("1_adelie", "2_chinstrap", "3_gentoo")
        for name in ("demographic_data.csv", "physical_features.csv")
    ]
    local = DATA / "penguins/run_1_adelie/physical_features.csv"
    assert entries["run_1_adelie/physical_features.csv"].size == local.stat().st_size
    assert entries["run_1_adelie/physical_features.csv"].mtime_ns > 0


def test_stat_hash_and_download(source: S3Source) -> None:
    local = DATA / "penguins/run_2_chinstrap/demographic_data.csv"
    path = "run_2_chinstrap/demographic_data.csv"
    assert source.stat(path).size == local.stat().st_size
    assert source.sha256(path) == hashlib.sha256(local.read_bytes()).hexdigest()
    with source.local_path(path) as copy:
        assert copy.name == "demographic_data.csv"
        assert copy.read_bytes() == local.read_bytes()
    assert not copy.exists()


def test_missing_object_and_bucket(source: S3Source, s3_bucket: Bucket, tmp_path: Path) -> None:
    with pytest.raises(StorageError, match=r"run_9/x\.csv: no such object"):
        source.stat("run_9/x.csv")
    missing = S3Source("s3://no-such-bucket-here/x", s3_bucket.settings(tmp_path))
    with pytest.raises(StorageError, match="bucket 'no-such-bucket-here' does not exist") as caught:
        list(missing.walk())
    assert "testing-secret" not in str(caught.value)


def test_unreachable_endpoint(tmp_path: Path) -> None:
    from biovista.config import Settings

    settings = Settings(
        data_dir=tmp_path,
        s3_endpoint_url="http://127.0.0.1:9",
        s3_access_key_id="a",
        s3_secret_access_key="b",
    )
    with pytest.raises(StorageError, match="cannot reach S3"):
        list(S3Source("s3://bucket/x", settings).walk())
