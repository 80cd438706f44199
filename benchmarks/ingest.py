"""Ingest benchmark: a project of many run folders, ingested in full, re-scanned, extended.

    python benchmarks/ingest.py                      # 1,000 runs, 12,000,000 rows
    python benchmarks/ingest.py --runs 100 --rows 1200000 --json

Each phase runs in a fresh Python process, so its peak memory is its own. Correctness is
checked as it goes (row totals, files read); a failed check exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _generate import SHARES, write_project, write_run

PHASE = """
import json, resource, sys, time
from pathlib import Path
from biovista.config import Settings
from biovista.models.loader import load_project
from biovista.services.ingest import ingest_project
root = Path(sys.argv[1])
settings = Settings(data_dir=root / "store")
loaded = load_project(root / "project.yaml")
started = time.perf_counter()
report = ingest_project(loaded, settings, full=sys.argv[2] == "full")
seconds = time.perf_counter() - started
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, "report": report.as_dict()}))
"""


def run_phase(root: Path, mode: str) -> dict[str, Any]:
    """One ingest in a fresh interpreter; wall time includes start-up, as a user sees it."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PHASE, str(root), mode], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"ingest failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = wall
    return result


def check(condition: bool, message: str, failures: list[str]) -> None:
    if not condition:
        failures.append(message)


def totals(result: dict[str, Any], key: str) -> int:
    return sum(int(c[key]) for c in result["report"]["collections"].values())


def benchmark(root: Path, runs: int, rows: int) -> tuple[dict[str, Any], list[str]]:
    failures: list[str] = []
    started = time.perf_counter()
    expected = write_project(root, runs, rows)
    generated = time.perf_counter() - started
    size_mb = sum(p.stat().st_size for p in (root / "runs").rglob("*.csv")) / 1e6

    full = run_phase(root, "incremental")
    check(full["report"]["status"] == "succeeded", "full ingest did not succeed", failures)
    for name, count in expected.items():
        got = full["report"]["collections"][name]["total_rows"]
        check(got == count, f"{name}: {got} rows, expected {count}", failures)

    unchanged = run_phase(root, "incremental")
    check(totals(unchanged, "files_read") == 0, "no-change re-ingest read files", failures)

    extra_rows = {name: max(1, int(rows / runs * share)) for name, share in SHARES.items()}
    write_run(root, runs, extra_rows)
    one_more = run_phase(root, "incremental")
    check(totals(one_more, "files_read") == 3, "a new run did not read exactly 3 files", failures)
    check(
        totals(one_more, "total_rows") == rows + sum(extra_rows.values()),
        "row total after the new run is wrong",
        failures,
    )
    figures = {
        "runs": runs,
        "rows": rows,
        "files": runs * 3,
        "csv_mb": round(size_mb, 1),
        "generate_seconds": round(generated, 2),
        "full_ingest_seconds": round(full["seconds"], 2),
        "full_ingest_wall_seconds": round(full["wall_seconds"], 2),
        "rows_per_second": round(rows / full["seconds"]),
        "full_ingest_peak_mb": round(full["peak_mb"]),
        "no_change_seconds": round(unchanged["seconds"], 3),
        "no_change_wall_seconds": round(unchanged["wall_seconds"], 2),
        "one_new_run_seconds": round(one_more["seconds"], 3),
        "one_new_run_wall_seconds": round(one_more["wall_seconds"], 2),
        "peak_mb": round(max(full["peak_mb"], unchanged["peak_mb"], one_more["peak_mb"])),
    }
    return figures, failures


def machine() -> dict[str, str]:
    import deltalake
    import polars

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cores": str(os.cpu_count()),
        "memory_gb": f"{memory:.0f}",
        "python": platform.python_version(),
        "polars": polars.__version__,
        "deltalake": deltalake.__version__,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=12_000_000)
    parser.add_argument("--workdir", type=Path, help="keep the generated project here")
    parser.add_argument("--json", action="store_true", help="print figures as JSON")
    args = parser.parse_args()
    root = args.workdir or Path(tempfile.mkdtemp(prefix="biovista-bench-"))
    try:
        figures, failures = benchmark(root, args.runs, args.rows)
    finally:
        if args.workdir is None:
            shutil.rmtree(root, ignore_errors=True)
    report = {"machine": machine(), "figures": figures, "failures": failures}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in {**report["machine"], **figures}.items():
            print(f"{key:>26}  {value}")
        for failure in failures:
            print(f"CHECK FAILED: {failure}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
