"""The ingest benchmark runs end to end at a toy size and reports every figure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "ingest.py"
FIGURES = {
    "full_ingest_seconds",
    "rows_per_second",
    "full_ingest_peak_mb",
    "no_change_seconds",
    "no_change_wall_seconds",
    "one_new_run_seconds",
    "peak_mb",
}


@pytest.mark.slow
def test_benchmark_smoke(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--runs", "5", "--rows", "5000", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["failures"] == []
    assert set(report["figures"]) >= FIGURES
    assert report["figures"]["rows"] == 5000
    assert report["figures"]["files"] == 15
