"""The dashboard benchmark runs end to end at a toy size: biovista and the floor agree."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "dashboard.py"


def run(data: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--rows-scale", "0.001", "--rounds", "2",
         "--data", str(data), *extra],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip


@pytest.mark.slow
def test_benchmark_smoke(tmp_path: Path) -> None:
    done = run(tmp_path, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["failures"] == []
    assert report["setup"]["rows"] == {"samples": 500, "expression": 12_000, "qc": 500}
    figures = report["figures"]
    assert set(figures["per_type"]) == {
        "metric card",
        "aggregate figure",
        "point plot",
        "table",
        "filter",
    }
    # 2 rounds x (8 cards, 10 aggregates, 6 point plots, 4 tables, 2 filters)
    assert [figures["per_type"][k]["n"] for k in ("metric card", "point plot", "filter")] == [
        16,
        12,
        4,
    ]
    ours, floor = figures["biovista"], figures["floor"]
    assert ours["round_worst"]["wall"] >= ours["round_median"]["wall"] > 0
    assert ours["round_median"]["cpu"] > 0
    assert figures["ratio"]["round_median"]["wall"] == pytest.approx(
        ours["round_median"]["wall"] / floor["round_median"]["wall"]
    )
    assert ours["peak_rss_mb"] >= figures["baseline_rss_mb"] > 50
    # round 1 keeps the liver samples; round 2 also restricts the collection dates
    assert report["samples_kept"] == [83, 61]

    again = run(tmp_path)  # the cached project is reused, and the report is printed
    assert again.returncode == 0, again.stdout + again.stderr
    assert "using the cached project" in again.stderr
    assert "All 30 components" in again.stdout
    assert "filter change, median" in again.stdout


def test_bad_scale_is_named() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--rows-scale", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "--rows-scale must be above 0 and at most 4, got 0.0" in done.stderr
