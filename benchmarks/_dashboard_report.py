"""Figures from the two phases' raw timings, compared with the floor, the incumbent and the
targets of the performance issue, printed as rich tables."""

from __future__ import annotations

import os
import statistics
from collections import Counter
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from _dashboard_spec import (
    CATEGORIES,
    DATE_FILTER,
    TISSUE_FILTER,
    category,
    components,
    rounds,
    same,
)

INCUMBENT = {
    "open": "6.2 s",
    "round_median": "6.3 s",
    "round_worst": "92.9 s",
    "memory": "3.47 GB",
    "metric card": "119 ms",
    "table": "222 ms",
    "aggregate figure": "271-709 ms",
    "point plot": "0.7-1.1 s",
}
TARGETS = {
    "open": 1.0,
    "round_median": 1.0,
    "round_worst": 2.0,
    "memory_mb": 1536.0,
    "component_p50_ms": 50.0,
    "floor_ratio": 1.5,
}


def _percentiles(wall: list[float]) -> dict[str, Any]:
    array = np.array(wall) * 1000
    figures: dict[str, Any] = {
        "n": len(wall),
        "p50_ms": float(np.percentile(array, 50)),
        "p95_ms": float(np.percentile(array, 95)),
        "max_ms": float(array.max()),
    }
    return figures


def _side(phase: dict[str, Any]) -> dict[str, Any]:
    """Wall and CPU seconds of one phase: cold and warm open, median and worst round."""

    def both(outcomes: list[dict[str, Any]], pick: Any) -> dict[str, float]:
        return {
            "wall": pick(o["seconds"] for o in outcomes),
            "cpu": pick(o["cpu_seconds"] for o in outcomes),
        }

    return {
        "cold_open": both([phase["cold"]], max),
        "warm_open": both(phase["warm"], statistics.median),
        "round_median": both(phase["rounds"], statistics.median),
        "round_worst": both(phase["rounds"], max),
        "load_median": statistics.median(o["load"] for o in [*phase["warm"], *phase["rounds"]]),
        "peak_rss_mb": phase["peak_rss_mb"],
    }


def summarize(ours: dict[str, Any], floor: dict[str, Any]) -> dict[str, Any]:
    """The headline figures: seconds, ratios to the floor, per-type percentiles, memory."""
    kinds = {c["id"]: category(c) for c in components()}
    wall: dict[str, list[float]] = {name: [] for name in CATEGORIES}
    for done in ours["rounds"]:  # components run concurrently: only wall time is their own
        for cid, seconds in done["components"].items():
            wall[kinds[cid]].append(seconds)
    plotly = [s for r in ours["rounds"] for s in r.get("plotly", {}).values()]
    biovista, plain = _side(ours), _side(floor)
    ratios = {
        name: {
            clock: biovista[name][clock] / plain[name][clock] if plain[name][clock] else 0.0
            for clock in ("wall", "cpu")
        }
        for name in ("cold_open", "warm_open", "round_median", "round_worst")
    }
    return {
        "biovista": biovista,
        "floor": plain,
        "ratio": ratios,
        "per_type": {n: _percentiles(wall[n]) for n in CATEGORIES if wall[n]},
        "plotly_build": _percentiles(plotly) if plotly else None,
        "round_median_with_plotly_s": statistics.median(
            r["seconds"] + sum(r.get("plotly", {}).values()) for r in ours["rounds"]
        ),
        "open_dashboard_median_ms": 1000
        * statistics.median(r["open_seconds"] for r in ours["rounds"]),
        "baseline_rss_mb": ours["baseline_rss_mb"],
        "floor_strategies": dict(Counter(r["strategy"] for r in floor["rounds"])),
    }


def mismatches(ours: dict[str, Any], floor: dict[str, Any]) -> list[str]:
    """Components whose result differs between biovista and the floor, or that failed."""
    found: list[str] = []
    pairs = [("open", ours["cold"], floor["cold"])]
    pairs += [
        (f"round {n}", a, b)
        for n, (a, b) in enumerate(zip(ours["rounds"], floor["rounds"], strict=True), 1)
    ]
    for name, a, b in pairs:
        found += [f"{name}: {cid} failed: {why}" for cid, why in a["errors"].items()]
        found += [
            f"{name}: {cid} differs from the floor"
            for cid, expected in b["prints"].items()
            if cid not in a["errors"] and not same(a["prints"].get(cid), expected)
        ]
    return found


def _s(value: float) -> str:
    return f"{value:.2f} s"


def _verdict(value: float, target: float) -> str:
    return "[green]met[/]" if value <= target else "[red]missed[/]"


def headline_table(figures: dict[str, Any]) -> Table:
    ours, floor, ratio = figures["biovista"], figures["floor"], figures["ratio"]
    table = Table(title="All 30 components: biovista in-process vs the plain-polars floor")
    for name in ("", "biovista", "CPU", "floor", "CPU", "ratio", "CPU ratio", "incumbent",
                 "target", "verdict"):  # fmt: skip
        table.add_column(name, justify="left" if name in ("", "verdict") else "right")
    rows = [
        ("cold open", "cold_open", "open", TARGETS["open"]),
        ("warm open", "warm_open", "open", TARGETS["open"]),
        ("filter change, median", "round_median", "round_median", TARGETS["round_median"]),
        ("filter change, worst", "round_worst", "round_worst", TARGETS["round_worst"]),
    ]
    for label, key, incumbent, target in rows:
        table.add_row(
            label,
            _s(ours[key]["wall"]),
            _s(ours[key]["cpu"]),
            _s(floor[key]["wall"]),
            _s(floor[key]["cpu"]),
            f"{ratio[key]['wall']:.1f}x",
            f"{ratio[key]['cpu']:.1f}x",
            INCUMBENT[incumbent],
            f"<= {target:.1f} s",
            _verdict(ours[key]["wall"], target),
        )
    limit = TARGETS["floor_ratio"]
    table.add_row("filter change / floor", "", "", "", "", f"{ratio['round_median']['wall']:.1f}x",
                  f"{ratio['round_median']['cpu']:.1f}x", "", f"<= {limit:.1f}x",
                  _verdict(ratio["round_median"]["wall"], limit))  # fmt: skip
    table.add_row("peak memory", f"{ours['peak_rss_mb']:,.0f} MB", "",
                  f"{floor['peak_rss_mb']:,.0f} MB", "", "", "", INCUMBENT["memory"],
                  "<= 1.5 GB", _verdict(ours["peak_rss_mb"], TARGETS["memory_mb"]))  # fmt: skip
    return table


def per_type_table(figures: dict[str, Any]) -> Table:
    table = Table(title="Per component, over the filter changes (biovista)")
    for name in ("type", "n", "p50", "p95", "max", "incumbent p50", "target p50"):
        table.add_column(name, justify="left" if name == "type" else "right")
    rows = dict(figures["per_type"])
    if figures["plotly_build"]:
        rows["Plotly build (web layer)"] = figures["plotly_build"]
    for name, stats in rows.items():
        table.add_row(
            name,
            str(stats["n"]),
            f"{stats['p50_ms']:,.0f} ms",
            f"{stats['p95_ms']:,.0f} ms",
            f"{stats['max_ms']:,.0f} ms",
            INCUMBENT.get(name, ""),
            "<= 50 ms" if name in CATEGORIES else "",
        )
    return table


def rounds_table(ours: dict[str, Any], floor: dict[str, Any], kept: list[int]) -> Table:
    table = Table(title="Filter changes (each value new)")
    for name in ("#", "changed", "samples", "biovista", "CPU", "floor", "CPU", "CPU ratio",
                 "load"):  # fmt: skip
        table.add_column(name, justify="left" if name == "changed" else "right")
    previous: dict[str, Any] = {}
    measured = zip(rounds(), ours["rounds"], floor["rounds"], strict=False)
    for n, (state, a, b) in enumerate(measured, 1):
        changed = [k for k in (TISSUE_FILTER, DATE_FILTER) if state.get(k) != previous.get(k)]
        previous = state
        what = ", ".join(f"{k}={','.join(map(str, state[k]))}" for k in changed)
        table.add_row(
            str(n),
            what,
            f"{kept[n - 1]}/500",
            _s(a["seconds"]),
            _s(a["cpu_seconds"]),
            _s(b["seconds"]),
            _s(b["cpu_seconds"]),
            f"{a['cpu_seconds'] / b['cpu_seconds']:.1f}x",
            f"{a['load']:.1f} / {b['load']:.1f}",
        )
    return table


def print_report(
    console: Console,
    setup: dict[str, Any],
    figures: dict[str, Any],
    raw: dict[str, Any],
    kept: list[int],
) -> None:
    rows = setup["rows"]
    console.print(
        f"project: {sum(rows.values()):,} rows "
        f"({', '.join(f'{name} {count:,}' for name, count in rows.items())}); "
        f"generated in {setup['generate_seconds']:.1f} s, "
        f"ingested in {setup['ingest_seconds']:.1f} s"
    )
    console.print(rounds_table(raw["biovista"], raw["floor"], kept))
    console.print(per_type_table(figures))
    console.print(headline_table(figures))
    console.print(
        f"open_dashboard (access check + spec + tables) per render: "
        f"{figures['open_dashboard_median_ms']:.0f} ms median; "
        f"round median with Plotly figure building: {figures['round_median_with_plotly_s']:.2f} s; "
        f"memory after imports {figures['baseline_rss_mb']:.0f} MB; median load average "
        f"{figures['biovista']['load_median']:.1f} (biovista), "
        f"{figures['floor']['load_median']:.1f} (floor) on {os.cpu_count()} cores; "
        f"faster floor strategy per round: {figures['floor_strategies']}"
    )
