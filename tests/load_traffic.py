"""Mixed traffic against a running ``biovista serve``: the load test and ``benchmarks/load.py``
both drive the server with it.

The world is the bundled demo (two projects, two dashboards) with a viewer who is granted
both projects, so every request runs the real access checks. The mix is what a busy
server sees: collection rows, dashboard renders, project and dashboard lists, dashboard
pages and the viewer's Dash callback that opens a dashboard. ``/health`` is probed on its
own while the traffic runs, so a starved server shows there first.
"""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select

from biovista.auth.policy import LOCAL_ADMIN
from biovista.config import Settings
from biovista.db.migrate import ensure_schema
from biovista.db.models import Dashboard
from biovista.db.session import session_scope
from biovista.services.accounts.grants import grant_role
from biovista.services.accounts.users import create_user
from biovista.services.demo import prepare_demo, seed_demo_dashboards
from biovista.services.ingest.run import ingest_project

VIEWER = "load-viewer@example.org"
PROJECTS = ("penguins", "ampliseq-qc")
ROUTES = ("rows", "render", "projects", "dashboards", "page", "callback")


@dataclass(frozen=True)
class Call:
    """One request of the mix, named by its route."""

    route: str
    method: str
    path: str
    json: Any = None


@dataclass
class Outcome:
    """What the traffic got back: one (route, status, seconds) per request, and the probes."""

    calls: list[tuple[str, int, float]] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    health: list[tuple[int, float]] = field(default_factory=list)
    """``/health`` probes: (status, seconds), status 0 when no answer came (see failures)."""
    seconds: float = 0.0

    def statuses(self) -> Counter[int]:
        return Counter(status for _, status, _ in self.calls)

    def server_errors(self) -> list[tuple[str, int, float]]:
        return [call for call in self.calls if call[1] >= 500]

    def per_route(self) -> dict[str, dict[str, float]]:
        """Requests/s, p50 and p99 (milliseconds) of each route's successful answers."""
        figures: dict[str, dict[str, float]] = {}
        for route in ROUTES:
            times = sorted(s for r, status, s in self.calls if r == route and status < 400)
            if not times:
                continue
            figures[route] = {
                "requests": len(times),
                "per_second": round(len(times) / self.seconds, 1),
                "p50_ms": round(1000 * statistics.median(times), 1),
                "p99_ms": round(1000 * times[min(len(times) - 1, int(0.99 * len(times)))], 1),
            }
        return figures


def seed(settings: Settings, password: str) -> None:
    """The demo projects ingested and their dashboards imported, and a viewer of both."""
    ensure_schema(settings.resolved_database_url)
    for loaded in prepare_demo(settings):
        report = ingest_project(loaded, settings)
        if report.status != "succeeded":
            raise RuntimeError(f"the demo project {loaded.config.name} did not ingest")
    seed_demo_dashboards(settings)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, VIEWER, password)
        for project in PROJECTS:
            grant_role(session, LOCAL_ADMIN, project, "viewer", user_email=VIEWER)


def dashboard_ids(settings: Settings) -> list[str]:
    with session_scope(settings.resolved_database_url) as session:
        return [str(i) for i in session.scalars(select(Dashboard.id).order_by(Dashboard.id))]


def mix(dashboards: list[str], count: int) -> list[Call]:
    """``count`` requests cycling through the routes and the dashboards."""
    callback = {
        "output": "..page.children...ref.data...state.data..",
        "outputs": [
            {"id": "page", "property": "children"},
            {"id": "ref", "property": "data"},
            {"id": "state", "property": "data"},
        ],
        "state": [{"id": "url", "property": "search", "value": ""}],
        "changedPropIds": ["url.pathname"],
    }
    calls: list[Call] = []
    for n in range(count):
        board = dashboards[n % len(dashboards)]
        project = PROJECTS[n % len(PROJECTS)]
        choices = (
            Call("rows", "GET", "/api/v1/projects/penguins/collections/physical/rows?limit=50"),
            Call("render", "POST", f"/api/v1/dashboards/{board}/render", {}),
            Call("projects", "GET", "/api/v1/projects"),
            Call("dashboards", "GET", f"/api/v1/projects/{project}/dashboards"),
            Call("page", "GET", f"/dashboard/{board}"),
            Call(
                "callback",
                "POST",
                "/dashboard/_dash-update-component",
                callback
                | {
                    "inputs": [
                        {"id": "url", "property": "pathname", "value": f"/dashboard/{board}"}
                    ]
                },
            ),
        )
        calls.append(choices[n % len(choices)])
    return calls


def login(url: str, password: str) -> str:
    answer = httpx.post(
        f"{url}/api/v1/auth/login", json={"email": VIEWER, "password": password}, timeout=60
    )
    answer.raise_for_status()
    token: str = answer.json()["access_token"]
    return token


async def drive(
    url: str, token: str, calls: list[Call], concurrency: int, timeout: float = 60.0
) -> Outcome:
    """Send ``calls`` with ``concurrency`` in flight; probe ``/health`` twice a second."""
    outcome = Outcome()
    headers = {"Authorization": f"Bearer {token}"}
    cookies = {"biovista_access": token}
    # Idle connections are dropped well before the server's keep-alive timeout (5 s), so
    # that none is reused at the moment the server closes it.
    limits = httpx.Limits(
        max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=1
    )
    async with httpx.AsyncClient(
        base_url=url, headers=headers, cookies=cookies, timeout=timeout, limits=limits
    ) as client:
        gate = asyncio.Semaphore(concurrency)
        done = threading.Event()

        async def one(call: Call) -> None:
            async with gate:
                started = time.perf_counter()
                try:
                    answer = await client.request(call.method, call.path, json=call.json)
                except httpx.HTTPError as exc:
                    cause = exc.__cause__ or exc.__context__
                    outcome.failures.append(
                        (
                            call.route,
                            f"{type(exc).__name__} ({cause!r}) after {_since(started):.1f} s",
                        )
                    )
                    return
                outcome.calls.append((call.route, answer.status_code, _since(started)))

        def probe() -> None:
            """In a thread of its own with a new connection each time, as a monitor would
            probe: what it measures is the server's delay, not this process's."""
            while not done.is_set():
                started = time.perf_counter()
                try:
                    status = httpx.get(f"{url}/health", timeout=timeout).status_code
                except httpx.HTTPError as exc:
                    outcome.failures.append(("health", f"{type(exc).__name__}: {exc}"))
                    status = 0
                outcome.health.append((status, _since(started)))
                done.wait(0.5)

        prober = threading.Thread(target=probe, name="health-probe", daemon=True)
        prober.start()
        started = time.perf_counter()
        await asyncio.gather(*(one(call) for call in calls))
        outcome.seconds = _since(started)
        done.set()
        prober.join()
    return outcome


def _since(started: float) -> float:
    return time.perf_counter() - started
