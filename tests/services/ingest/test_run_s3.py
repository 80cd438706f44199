"""Ingestion with the run folders, the Delta tables, or both in S3 (a real HTTP endpoint)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.models.loader import load_project
from biovista.services.ingest.run import ingest_project
from biovista.services.projects.catalog import get_project
from biovista.storage.tables import TableStore
from tests.s3_server import Bucket

DATA = Path(__file__).parents[2] / "data"
PROJECT = """\
name: penguins
runs:
  root: {root}
  pattern: 'run_(?P<run>\\d+)_(?P<species>\\w+)'
collections:
  physical:
    files: 'physical_features\\.csv'
    columns:
      body_mass_g: {{type: float}}
"""


@pytest.fixture(params=["runs in s3", "tables in s3", "both in s3"])
def layout(
    request: pytest.FixtureRequest, s3_bucket: Bucket, tmp_path: Path
) -> tuple[Settings, Path, Bucket, bool]:
    runs_in_s3 = request.param != "tables in s3"
    tables_in_s3 = request.param != "runs in s3"
    if runs_in_s3:
        s3_bucket.upload_tree(DATA / "penguins", "runs")
        root = f"s3://{s3_bucket.name}/runs"
    else:
        import shutil

        shutil.copytree(DATA / "penguins", tmp_path / "data")
        root = "./data"
    (tmp_path / "p.yaml").write_text(PROJECT.format(root=root))
    extra = {"s3_bucket": s3_bucket.name, "s3_prefix": "lake"} if tables_in_s3 else {}
    settings = s3_bucket.settings(tmp_path / "store", **extra)
    return settings, tmp_path / "p.yaml", s3_bucket, runs_in_s3


def physical(settings: Settings) -> pl.DataFrame:
    with session_scope(settings.resolved_database_url) as session:
        key = get_project(session, "penguins").collections[0].table_key
    return TableStore(settings).scan(key).collect()


def change(layout: tuple[Settings, Path, Bucket, bool], run: str, text: str | None) -> None:
    _, project_file, bucket, runs_in_s3 = layout
    relative = f"{run}/physical_features.csv"
    if runs_in_s3:
        client = bucket.client()
        if text is None:
            client.delete_object(Bucket=bucket.name, Key=f"runs/{relative}")
        else:
            client.put_object(Bucket=bucket.name, Key=f"runs/{relative}", Body=text.encode())
    else:
        target = project_file.parent / "data" / relative
        if text is None:
            target.unlink()
        else:
            target.write_text(text)


def test_incremental_ingest(layout: tuple[Settings, Path, Bucket, bool]) -> None:
    settings, project_file, _, _ = layout
    loaded = load_project(project_file)

    first = ingest_project(loaded, settings).collections["physical"]
    assert (first.files_read, first.total_rows) == (3, 342)
    rows = physical(settings)
    assert rows.group_by("_run").len().sort("_run").rows() == [
        ("run_1_adelie", 151),
        ("run_2_chinstrap", 68),
        ("run_3_gentoo", 123),
    ]

    again = ingest_project(loaded, settings).collections["physical"]
    assert (again.files_read, again.files_skipped) == (0, 3)

    original = (DATA / "penguins/run_2_chinstrap/physical_features.csv").read_text()
    change(layout, "run_2_chinstrap", "\n".join(original.splitlines()[:6]) + "\n")
    changed = ingest_project(loaded, settings).collections["physical"]
    assert (changed.files_read, changed.rows_written, changed.total_rows) == (1, 5, 151 + 5 + 123)

    change(layout, "run_3_gentoo", None)
    removed = ingest_project(loaded, settings).collections["physical"]
    assert (removed.files_removed, removed.total_rows) == (1, 156)
    assert sorted(physical(settings)["_run"].unique()) == ["run_1_adelie", "run_2_chinstrap"]


def test_s3_file_is_served_by_a_short_lived_link(s3_bucket: Bucket, tmp_path: Path) -> None:
    import httpx

    from biovista.auth.policy import LOCAL_ADMIN
    from biovista.services.projects.files import open_file

    s3_bucket.upload_tree(DATA / "penguins", "runs")
    (tmp_path / "p.yaml").write_text(PROJECT.format(root=f"s3://{s3_bucket.name}/runs"))
    settings = s3_bucket.settings(tmp_path / "store")
    ingest_project(load_project(tmp_path / "p.yaml"), settings)
    path = "run_1_adelie/physical_features.csv"
    with session_scope(settings.resolved_database_url) as session:
        access = open_file(session, settings, LOCAL_ADMIN, "penguins", "physical", path)
    assert access.local is None and access.url is not None
    assert "X-Amz-Expires=300" in access.url
    assert "testing-secret" not in access.url
    assert httpx.get(access.url).content == (DATA / "penguins" / path).read_bytes()
