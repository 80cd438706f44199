"""Dashboard benchmark: a 30-component dashboard over 12.0M rows in three linked collections.

    python benchmarks/dashboard.py                     # full scale: 12,001,000 rows
    python benchmarks/dashboard.py --rows-scale 0.05   # 500 samples x 1,200 features
    python benchmarks/dashboard.py --data DIR --profile --json

The project (a sample sheet, a long expression table, per-sample QC, linked on sample_id)
is generated once per scale and ingested with biovista's own ingestion into ``--data``;
later runs reuse it. Then two phases run, each in a fresh Python process so that its peak
memory and its cold start are its own:

1. biovista: the viewer's in-process service renders all 30 components on open (cold, then
   warm) and after each of 20 filter changes whose values no earlier round used;
2. the floor: the same 30 results with plain polars on the same Delta tables.

Both sides' results are compared component by component; a difference or a failed
component exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from rich.console import Console

sys.path.insert(0, str(Path(__file__).parent))

from _dashboard_floor import floor_round, sample_conditions
from _dashboard_report import mismatches, print_report, summarize
from _dashboard_spec import load, middle, rounds, timing

DEFAULT_DATA = Path(tempfile.gettempdir()) / "biovista-bench-dashboard"
WARM_OPENS = 3
ROUNDS = len(rounds())


def run_phase(phase: str, marker: Path, count: int, profile: bool) -> dict[str, Any]:
    """One phase in a fresh interpreter; its progress goes to stderr, its figures to stdout."""
    command = [sys.executable, __file__, "--phase", phase, "--setup", str(marker)]
    command += ["--rounds", str(count), *(["--profile"] if profile else [])]
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"the {phase} phase failed (exit status {done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def floor_phase(setup: dict[str, Any], count: int) -> dict[str, Any]:
    """The plain-polars floor, in a process that never imports biovista."""
    uris = setup["table_uris"]
    cold = floor_round(uris, {})
    note(f"  cold open {timing(cold)}")
    warm = [floor_round(uris, {}) for _ in range(WARM_OPENS)]
    note(f"  warm open {timing(middle(warm))} (median of {WARM_OPENS})")
    done = []
    for number, state in enumerate(rounds()[:count], start=1):
        done.append(floor_round(uris, state))
        note(f"  filter round {number:>2}: {timing(done[-1])}")
    if "biovista" in sys.modules:
        sys.exit("the floor must not use biovista")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"cold": cold, "warm": warm, "rounds": done, "peak_rss_mb": peak}


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def biovista_phase(marker: Path, count: int, profile: bool) -> dict[str, Any]:
    from _dashboard_measure import measure
    from _dashboard_setup import Setup

    setup = Setup(**json.loads(marker.read_text())["setup"])
    target = str(marker.parent / "profile-round") if profile else None
    return measure(setup, count, target)


def samples_kept(setup: dict[str, Any], states: list[dict[str, Any]]) -> list[int]:
    """How many of the 500 samples each round's filters keep (for the report)."""
    sheet = pl.read_delta(setup["table_uris"]["samples"], columns=["tissue", "collected_on"])
    return [sheet.filter(*(sample_conditions(s) or [pl.lit(True)])).height for s in states]


def machine() -> dict[str, str]:
    import deltalake

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cores": str(os.cpu_count()),
        "memory_gb": f"{memory:.0f}",
        "python": platform.python_version(),
        "polars": pl.__version__,
        "deltalake": deltalake.__version__,
        "load_at_start": f"{load():.1f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows-scale",
        type=float,
        default=1.0,
        help="share of the 24,000 features per sample (1.0: 12.0M rows)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help=f"cache folder for the generated project (default {DEFAULT_DATA})",
    )
    parser.add_argument(
        "--rounds", type=int, default=ROUNDS, help=f"filter changes to time (1-{ROUNDS})"
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile the slowest filter round with pyinstrument"
    )
    parser.add_argument("--json", action="store_true", help="print figures as JSON")
    parser.add_argument("--phase", choices=("biovista", "floor"), help=argparse.SUPPRESS)
    parser.add_argument("--setup", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        if args.phase == "floor":
            result = floor_phase(json.loads(args.setup.read_text())["setup"], args.rounds)
        else:
            result = biovista_phase(args.setup, args.rounds, args.profile)
        print(json.dumps(result))
        return
    if not 0 < args.rows_scale <= 4:
        parser.error(f"--rows-scale must be above 0 and at most 4, got {args.rows_scale}")
    if not 1 <= args.rounds <= ROUNDS:
        parser.error(f"--rounds must be between 1 and {ROUNDS}, got {args.rounds}")
    sys.exit(benchmark(args.data, args.rows_scale, args.rounds, args.profile, args.json))


def benchmark(data: Path, scale: float, count: int, profile: bool, as_json: bool) -> int:
    """Prepare (or reuse) the project, run both phases, report; 1 when results disagree."""
    from _dashboard_setup import prepare

    progress = Console(stderr=True)
    host = machine()
    setup = prepare(data.resolve(), scale, progress)
    marker = Path(setup.folder) / "setup.json"
    saved = json.loads(marker.read_text())["setup"]
    progress.print("[bold]biovista[/] (in-process service, as the viewer calls it)")
    ours = run_phase("biovista", marker, count, profile)
    progress.print("[bold]floor[/] (plain polars on the same Delta tables)")
    floor = run_phase("floor", marker, count, profile=False)
    raw = {"machine": host, "setup": saved, "biovista": ours, "floor": floor}
    (marker.parent / "last-run.json").write_text(json.dumps(raw))
    figures = summarize(ours, floor)
    failures = mismatches(ours, floor)
    kept = samples_kept(saved, rounds()[:count])
    if as_json:
        report = {
            "machine": raw["machine"],
            "setup": saved,
            "figures": figures,
            "samples_kept": kept,
            "failures": failures,
            "profile": ours.get("profile"),
        }
        print(json.dumps(report, indent=2))
    else:
        console = Console() if sys.stdout.isatty() else Console(width=120)
        console.print(", ".join(f"{k} {v}" for k, v in raw["machine"].items()))
        print_report(console, saved, figures, raw, kept)
        if ours.get("profile"):
            found = ours["profile"]
            console.print(f"profile of round {found['round']}: {found['report']} (and .html)")
        console.print(f"raw timings: {marker.parent / 'last-run.json'}")
        for failure in failures:
            console.print(f"[red]CHECK FAILED[/]: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    main()
