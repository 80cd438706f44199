"""The pipelines benchmark runs end to end at a toy size, against a real server process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "pipelines.py"


@pytest.mark.slow
def test_benchmark_smoke() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--upload-mib", "8", "--runs", "1", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["upload"]["bytes"] == 8 << 20
    figures = report["executions"]
    assert figures["runs"] == 1
    assert 0 < figures["to_running_s"]["median"] <= figures["to_succeeded_s"]["median"]
    assert figures["jobs_s"]["median"] > 0
