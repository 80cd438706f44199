"""A killed ingest leaves the previous table version readable, and the next one repairs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from biovista.config import Settings
from biovista.db.models import Collection, Ingestion
from biovista.db.session import session_scope
from biovista.storage.tables import TableStore

RUNS = 40
ROWS_PER_FILE = 20_000

PROJECT = """\
name: killtest
runs:
  root: ./runs
  pattern: 'run_(?P<run>\\d+)'
collections:
  measures:
    files: 'measures\\.csv'
    columns:
      value: {type: float}
  counts:
    files: 'counts\\.csv'
"""


def write_runs(root: Path, offset: float) -> None:
    """Every file changes when ``offset`` changes, so a re-ingest rewrites everything."""
    for run in range(RUNS):
        folder = root / "runs" / f"run_{run:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        ids = pl.int_range(0, ROWS_PER_FILE, eager=True)
        frame = pl.DataFrame(
            {
                "item": ids.cast(pl.String).str.pad_start(6, "0"),
                "value": ids.cast(pl.Float64) + offset,
                "label": pl.Series(["a", "b", "c", "d"] * (ROWS_PER_FILE // 4)),
            }
        )
        frame.write_csv(folder / "measures.csv")
        frame.select("item", (pl.col("value") * 2).alias("count")).write_csv(folder / "counts.csv")


def run_ingest(root: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "biovista", "ingest", str(root / "project.yaml"), "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def value_sum(settings: Settings, collection: str) -> tuple[int, float]:
    with session_scope(settings.resolved_database_url) as session:
        key = session.scalars(
            select(Collection.table_key).where(Collection.name == collection)
        ).one()
    frame = TableStore(settings).scan(key).select(pl.len(), pl.col("value").sum()).collect()
    return int(frame.item(0, 0)), float(frame.item(0, 1))


@pytest.mark.slow
def test_killed_ingest_keeps_a_whole_version(tmp_path: Path, database_url: str) -> None:
    store = tmp_path / "store"
    settings = Settings(data_dir=store, database_url=database_url)
    env = {**os.environ, "BIOVISTA_DATA_DIR": str(store), "BIOVISTA_DATABASE_URL": database_url}
    (tmp_path / "project.yaml").write_text(PROJECT)
    write_runs(tmp_path, offset=0.0)
    first = run_ingest(tmp_path, env)
    assert first.wait(timeout=120) == 0, first.stderr.read() if first.stderr else ""
    rows = RUNS * ROWS_PER_FILE
    old_sum = value_sum(settings, "measures")
    assert old_sum[0] == rows

    write_runs(tmp_path, offset=1000.0)
    new_total = (rows, old_sum[1] + 1000.0 * rows)
    for delay in (0.4, 0.9, 1.5, 2.2):
        process = run_ingest(tmp_path, env)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        assert value_sum(settings, "measures") in (old_sum, new_total), f"killed at {delay}s"

    final = run_ingest(tmp_path, env)
    assert final.wait(timeout=120) == 0
    assert value_sum(settings, "measures") == new_total
    with session_scope(settings.resolved_database_url) as session:
        counts = dict(session.execute(select(Collection.name, Collection.row_count)).all())
        statuses = list(session.scalars(select(Ingestion.status).order_by(Ingestion.created_at)))
    assert counts == {"measures": rows, "counts": rows}
    assert statuses[0] == "succeeded" and statuses[-1] == "succeeded"
    assert set(statuses[1:-1]) <= {"interrupted", "succeeded"}
