"""``/health/ready`` (each dependency reported) and ``/metrics`` (Prometheus)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select, text

from biovista.api.deps import get_principal
from biovista.config import Settings
from biovista.db.session import get_engine, session_scope
from biovista.query.cache import ResultCache
from biovista.storage.tables import TableStore

router = APIRouter(tags=["health"])
API_PREFIX = "/api/v1"


class Metrics:
    """Per-app registry, so several apps in one process (tests) never collide."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "biovista_http_requests_total",
            "HTTP requests by route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "biovista_http_request_seconds",
            "HTTP request latency by route template",
            ["method", "route"],
            registry=self.registry,
        )


class WorkCollector(Collector):
    """Ingestions and tasks counted in the database at scrape time: the work may have run
    in any process (a thread here, or a ``biovista worker`` elsewhere)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def collect(self) -> Iterator[Metric]:
        from biovista.db.models import Ingestion, Task

        ingestions = CounterMetricFamily(
            "biovista_ingestions", "Ingestions recorded, by outcome", labels=["status"]
        )
        tasks = GaugeMetricFamily(
            "biovista_tasks",
            "Background tasks recorded, by kind and status",
            labels=["kind", "status"],
        )
        try:
            with session_scope(self.settings.resolved_database_url) as session:
                counted = session.execute(
                    select(Ingestion.status, func.count()).group_by(Ingestion.status)
                ).all()
                for status, count in counted:
                    ingestions.add_metric([status], count)
                by_kind = session.execute(
                    select(Task.kind, Task.status, func.count()).group_by(Task.kind, Task.status)
                ).all()
                for kind, status, count in by_kind:
                    tasks.add_metric([kind, status], count)
        except Exception:  # a scrape reports what it can; /health/ready reports the database
            return
        yield ingestions
        yield tasks


def _route(request: Request) -> str:
    """The route template (``/api/v1/projects/{name}``), so label values stay bounded."""
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    if not path:
        return "unmatched"
    # Routes of an included router know their path below the API prefix only.
    inside_api = request.url.path.startswith(API_PREFIX) and not str(path).startswith(API_PREFIX)
    return f"{API_PREFIX}{path}" if inside_api else str(path)


def install(app: FastAPI) -> None:
    metrics = Metrics()
    metrics.registry.register(WorkCollector(app.state.settings))
    app.state.metrics = metrics

    @app.middleware("http")
    async def measure(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = _route(request)
        metrics.requests.labels(request.method, route, str(response.status_code)).inc()
        metrics.latency.labels(request.method, route).observe(time.perf_counter() - started)
        return response


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)


@router.get(
    "/health/ready",
    responses={503: {"description": "A configured dependency does not answer"}},
)
def ready(request: Request) -> JSONResponse:
    """Whether each dependency answers; 503 when one that is configured does not. Details
    (storage location, engines, error texts, timings) only for server admins: to anyone
    else each check is ``ok`` or ``error``, which is all a load balancer needs."""
    settings: Settings = request.app.state.settings
    checks = {
        "database": _check(lambda: _database(settings)),
        "storage": _check(lambda: _storage(settings)),
        "cache": _check(lambda: _redis(settings, request.app.state.runtime.reads.cache)),
        "broker": _check(lambda: _broker(settings)),
    }
    healthy = all(check["status"] == "ok" for check in checks.values())
    if not _asked_by_admin(request, settings):
        checks = {name: {"status": check["status"]} for name, check in checks.items()}
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    return JSONResponse(body, status_code=200 if healthy else 503)


def _asked_by_admin(request: Request, settings: Settings) -> bool:
    """Whether the caller's bearer credential is a server admin's (as every route reads
    it); a missing, bad or unverifiable one (the database may be what is down) is not."""
    if not settings.single_user and not request.headers.get("authorization"):
        return False
    try:
        with session_scope(settings.resolved_database_url) as session:
            principal = get_principal(request, settings, session, request.app.state.keyring)
    except Exception:  # a readiness probe answers whatever the credential or database
        return False
    return principal.is_admin


def _check(probe: Callable[[], str]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = probe()
    except Exception as exc:  # a readiness probe reports any failure, it never raises
        return {"status": "error", "detail": f"{type(exc).__name__}: {exc}".splitlines()[0]}
    return {
        "status": "ok",
        "detail": detail,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }


def _broker(settings: Settings) -> str:
    if not settings.task_broker_url:
        return "in-process tasks (no broker configured)"
    from kombu import Connection

    with Connection(settings.task_broker_url, connect_timeout=2) as connection:
        connection.ensure_connection(max_retries=1)
    return f"Celery broker answers; queue {settings.task_queue!r}"


def _database(settings: Settings) -> str:
    engine = get_engine(settings.resolved_database_url)
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return engine.dialect.name


def _redis(settings: Settings, cache: ResultCache) -> str:
    """Redis when configured (login limits and results), with advice when its eviction
    policy could let the runtime's ``cache`` crowd out other users' keys; else in-process."""
    if not settings.redis_url:
        return "in-process (no Redis configured)"
    import redis

    redis.Redis.from_url(settings.redis_url, socket_timeout=2).ping()
    advice = cache.policy_problem()
    return f"redis; {advice}" if advice else "redis"


def _storage(settings: Settings) -> str:
    store = TableStore(settings)
    store.check()
    return store.root if not store.storage_options else store.root.split("/")[2]
