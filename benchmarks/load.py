"""Load benchmark: mixed traffic with many requests in flight against a real server.

    python benchmarks/load.py                                  # 2,000 requests, 200 in flight
    python benchmarks/load.py --requests 400 --concurrency 50 --json
    python benchmarks/load.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
    python benchmarks/load.py --env BIOVISTA_MAX_CONCURRENT_REQUESTS=8

It seeds the bundled demo (two projects, two dashboards, a viewer of both) in a fresh
folder, starts ``biovista serve`` as its own process on loopback, and sends the traffic of
``tests/load_traffic.py``: collection rows, dashboard renders, project and dashboard lists,
dashboard pages and the viewer's Dash callback, in turn, while ``/health`` is probed twice
a second. It prints requests/s, p50 and p99 per route, the statuses and the slowest
``/health``, and exits 1 when any request got a 5xx or no answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1]))  # the traffic and server helpers

from tests.load_traffic import ROUTES, dashboard_ids, drive, login, mix, seed
from tests.server_process import PASSWORD, serve_process, server_settings


def run(requests: int, concurrency: int, database_url: str | None, env: dict[str, str]) -> Any:
    with tempfile.TemporaryDirectory(prefix="biovista-bench-load-") as folder:
        settings = server_settings(Path(folder), database_url)
        seed(settings, PASSWORD)
        with serve_process(settings, env) as server:
            token = login(server.url, PASSWORD)
            boards = dashboard_ids(settings)
            asyncio.run(drive(server.url, token, mix(boards, 60), 6))  # warm the caches
            load_before = os.getloadavg()[0]
            outcome = asyncio.run(drive(server.url, token, mix(boards, requests), concurrency))
            load_after = os.getloadavg()[0]
            started = time.perf_counter()
            after = _health_after(server.url)
            after_s = time.perf_counter() - started
    return {
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "database": "postgresql" if database_url else "sqlite",
            "load_before": round(load_before, 2),
            "load_after": round(load_after, 2),
        },
        "requests": requests,
        "concurrency": concurrency,
        "settings": env,
        "seconds": round(outcome.seconds, 2),
        "per_second": round(len(outcome.calls) / outcome.seconds, 1),
        "statuses": {str(k): v for k, v in sorted(outcome.statuses().items())},
        "no_answer": len([f for f in outcome.failures if f[0] != "health"]),
        "routes": outcome.per_route(),
        "health": {
            "probes": len(outcome.health),
            "failed": len([s for s, _ in outcome.health if s != 200]),
            "slowest_ms": round(1000 * max((t for _, t in outcome.health), default=0), 1),
            "after": after,
            "after_ms": round(1000 * after_s, 1),
        },
    }


def _health_after(url: str) -> int:
    import httpx

    return httpx.get(f"{url}/health", timeout=10).status_code


def print_report(report: dict[str, Any]) -> None:
    machine = report["machine"]
    print(
        f"{report['requests']} requests, {report['concurrency']} in flight, "
        f"{machine['database']}, {machine['cores']} cores, Python {machine['python']}, "
        f"load average {machine['load_before']} -> {machine['load_after']}"
    )
    print(
        f"{report['seconds']} s, {report['per_second']} requests/s; statuses "
        f"{report['statuses']}; without an answer: {report['no_answer']}"
    )
    print(f"{'route':<12}{'requests':>10}{'req/s':>9}{'p50 ms':>10}{'p99 ms':>10}")
    for route in ROUTES:
        figures = report["routes"].get(route)
        if figures:
            print(
                f"{route:<12}{figures['requests']:>10}{figures['per_second']:>9}"
                f"{figures['p50_ms']:>10}{figures['p99_ms']:>10}"
            )
    health = report["health"]
    print(
        f"/health: {health['probes']} probes during, {health['failed']} failed, slowest "
        f"{health['slowest_ms']} ms; after: {health['after']} in {health['after_ms']} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--database-url", help="PostgreSQL (an empty database); SQLite otherwise")
    parser.add_argument(
        "--env", action="append", default=[], help="BIOVISTA_X=value for the server"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args()
    env = dict(item.split("=", 1) for item in options.env)
    report = run(options.requests, options.concurrency, options.database_url, env)
    if options.json:
        print(json.dumps(report, indent=2))
    else:
        print_report(report)
    server_errors = sum(v for k, v in report["statuses"].items() if int(k) >= 500)
    if server_errors or report["no_answer"] or report["health"]["after"] != 200:
        sys.exit(1)


if __name__ == "__main__":
    main()
