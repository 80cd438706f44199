"""Ingest benchmark: a project of many run folders, ingested in full, re-scanned, extended.

    python benchmarks/ingest.py                      # 1,000 runs, 12,000,000 rows
    python benchmarks/ingest.py --runs 100 --rows 1200000 --json

Each phase runs in a fresh Python process, so its peak memory is its own. Correctness is
checked as it goes (row totals, files read, which tables were clustered); a failed check
exits with status 1. The layout figures (row groups, rows a one-key lookup reads) come from
the Parquet footers of the counts table, the linked collection dashboards filter by sample.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from _generate import SHARES, write_project, write_run
from biovista.storage.layout import ROW_GROUP_ROWS

PHASE = """
import json, resource, sys, time
from pathlib import Path
from biovista.config import Settings
from biovista.models.loader import load_project
from biovista.services.ingest.run import ingest_project
root = Path(sys.argv[1])
settings = Settings(data_dir=root / "store")
loaded = load_project(root / "project.yaml")
started = time.perf_counter()
report = ingest_project(loaded, settings, full=sys.argv[2] == "full")
seconds = time.perf_counter() - started
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, "report": report.as_dict()}))
"""

RECLUSTER = """
import json, resource, sys, time
from pathlib import Path
from biovista.config import Settings
from biovista.storage.tables import TableStore
root = Path(sys.argv[1])
store = TableStore(Settings(data_dir=root / "store"))
seconds = {}
for log in sorted((root / "store" / "tables").rglob("_delta_log")):
    key = str(log.parent.relative_to(Path(store.root)))
    seconds[log.parent.name] = store.optimize(key, ["sample"], reason="benchmark").seconds
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"tables": seconds, "peak_mb": peak_kb / 1024}))
"""


def run_phase(root: Path, mode: str, script: str = PHASE) -> dict[str, Any]:
    """One phase in a fresh interpreter; wall time includes start-up, as a user sees it."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, str(root), mode], capture_output=True, text=True, check=False
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


def layouts(result: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
    return {n: c.get("layout") for n, c in result["report"]["collections"].items()}


def counts_layout(root: Path, runs: int) -> dict[str, Any]:
    """Row groups of the counts table, and how many a lookup of one sample may read
    (a row group whose min/max on ``sample`` holds the key cannot be skipped)."""
    import pyarrow.parquet as pq
    from deltalake import DeltaTable

    log = next((root / "store" / "tables").rglob("counts/_delta_log"))
    table = DeltaTable(str(log.parent))
    ranges = []
    for uri in table.file_uris():
        meta = pq.ParquetFile(uri).metadata
        column = meta.schema.names.index("sample")
        for index in range(meta.num_row_groups):
            stats = meta.row_group(index).column(column).statistics
            ranges.append((stats.min, stats.max))
    picker = random.Random(0)
    keys = [f"S{picker.randrange(runs)}_{picker.randrange(24)}" for _ in range(100)]
    hits = [sum(1 for lo, hi in ranges if lo <= key <= hi) for key in keys]
    size = sum(table.get_add_actions(flatten=True).column("size_bytes").to_pylist())
    return {
        "counts_files": len(table.file_uris()),
        "counts_row_groups": len(ranges),
        "counts_row_groups_per_key": round(sum(hits) / len(hits), 2),
        "counts_table_mb": round(size / 1e6, 1),
    }


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
        clustered = (layouts(full)[name] or {}).get("action") in ("cluster", "sorted")
        check(clustered or count <= ROW_GROUP_ROWS, f"{name} was not clustered", failures)
    layout_seconds = sum(float(lay["seconds"]) for lay in layouts(full).values() if lay)
    how = ", ".join(sorted({lay["action"] for lay in layouts(full).values() if lay})) or "none"
    layout_figures = counts_layout(root, runs)

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
    new_run_layout = sorted(lay["action"] for lay in layouts(one_more).values() if lay)
    check("cluster" not in new_run_layout, "one new run re-clustered a table", failures)

    # What a re-clustering costs when enough rows arrived unclustered (Z-order, all tables).
    recluster = run_phase(root, "", RECLUSTER)
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
        "full_ingest_layout": how,
        "full_ingest_layout_seconds": round(layout_seconds, 2),
        **layout_figures,
        "no_change_seconds": round(unchanged["seconds"], 3),
        "no_change_wall_seconds": round(unchanged["wall_seconds"], 2),
        "one_new_run_seconds": round(one_more["seconds"], 3),
        "one_new_run_wall_seconds": round(one_more["wall_seconds"], 2),
        "one_new_run_layout": ", ".join(new_run_layout) or "none",
        "recluster_seconds": round(sum(recluster["tables"].values()), 2),
        "recluster_counts_seconds": round(recluster["tables"]["counts"], 2),
        "recluster_peak_mb": round(recluster["peak_mb"]),
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
    load_before = os.getloadavg()[0]
    try:
        figures, failures = benchmark(root, args.runs, args.rows)
    finally:
        if args.workdir is None:
            shutil.rmtree(root, ignore_errors=True)
    # Other work on the machine slows every phase; the load average says how much there was.
    busy = {"load_before": f"{load_before:.2f}", "load_after": f"{os.getloadavg()[0]:.2f}"}
    report = {"machine": {**machine(), **busy}, "figures": figures, "failures": failures}
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
