"""Render a whole dashboard for one filter state: every component's result, or its error.

This is what a viewer waits for after each filter change, so it is one call: the components
run concurrently on a thread pool (polars releases the GIL while it computes), they share the
request's filtered frames through one :class:`RequestPlan`, and each result is cached under
the versions of the tables it read, its spec and the conditions that reach it. A cached
result can therefore never be stale: a new ingest makes new table versions, hence new keys.
The Dash viewer calls :func:`render` in-process; the API serves the same results as JSON.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from biovista.config import Settings
from biovista.errors import BiovistaError
from biovista.models.dashboard import FilterState
from biovista.query.cache import cache_for, result_key
from biovista.query.links import connected
from biovista.services.dashboards import codec as render_codec
from biovista.services.dashboards.open import (
    DashboardData,
    OpenedDashboard,
    open_every_dashboard,
)

WORKERS = max(2, os.cpu_count() or 2)
"""One component per core at a time: polars parallelises within each, and more at once
only adds memory (their intermediate columns) without adding speed."""
DATA_TYPES = ("figure", "metric", "table", "filter", "image", "multiqc")

_LOG = logging.getLogger(__name__)
_POOL = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="biovista-render")


@dataclass(frozen=True)
class ComponentResult:
    """One component's answer: ``value`` (see :mod:`render_codec`) or ``error``."""

    id: str
    type: str
    value: Any = None
    error: str | None = None
    seconds: float = 0.0
    cached: bool = False


@dataclass(frozen=True)
class Rendered:
    results: dict[str, ComponentResult]
    seconds: float


def render(
    settings: Settings,
    opened: OpenedDashboard,
    state: FilterState,
    *,
    only: Iterable[str] | None = None,
    max_points: int | None = None,
    full: Iterable[str] = (),
    data: DashboardData | None = None,
) -> Rendered:
    """Every data component's result under ``state`` (or those in ``only``).

    Point plots draw ``max_points`` (the settings' by default), those in ``full`` all
    their points (the viewer's 'show all')."""
    limit = max_points or settings.max_points
    started = time.perf_counter()
    data = data or DashboardData(settings, opened)
    wanted = set(only) if only is not None else None
    chosen = [
        c
        for c in opened.spec.components()
        if c.type in DATA_TYPES and (wanted is None or c.id in wanted)
    ]
    chosen.sort(key=_expected_cost, reverse=True)  # the longest first: the shortest tail
    everything = set(full)
    cache = cache_for(settings)
    jobs = [
        _POOL.submit(_one, data, cache, c, state, limit if c.id not in everything else 0)
        for c in chosen
    ]
    results = {job.result().id: job.result() for job in jobs}
    return Rendered(results, time.perf_counter() - started)


def _expected_cost(component: Any) -> int:
    """A rough rank of a component's work: ranks need sorts; sums and counts add up partials."""
    if component.type == "figure" and component.kind in ("box", "violin"):
        return 3
    if component.type == "metric" and component.agg in ("median", "percentile", "distinct", "std"):
        return 2
    return 1 if component.type == "figure" else 0


def _one(data: DashboardData, cache: Any, component: Any, state: FilterState, points: int) -> Any:
    started = time.perf_counter()
    try:
        if component.type == "metric":  # its unfiltered value is shared by every state
            (value, hit), (unfiltered, unfiltered_hit) = (
                _cached(data, cache, component, s, points) for s in (state, FilterState())
            )
            result, cached = render_codec.Metric(value, unfiltered), hit and unfiltered_hit
        else:
            result, cached = _cached(data, cache, component, state, points)
        return ComponentResult(component.id, component.type, result, None, _since(started), cached)
    except BiovistaError as exc:
        return ComponentResult(component.id, component.type, None, str(exc), _since(started))


def _cached(
    data: DashboardData, cache: Any, component: Any, state: FilterState, points: int
) -> tuple[Any, bool]:
    """The result from the cache, or computed now and stored; and whether it was a hit."""
    key = _key(data, component, state, points)
    stored = cache.get(key)
    if stored is not None:
        return render_codec.decode(stored), True
    value = render_codec.compute(data, component, state, points)
    cache.put(key, render_codec.encode(value))
    return value, False


def _key(data: DashboardData, component: Any, state: FilterState, points: int) -> str:
    """What a result depends on: table versions it can read, its spec, the conditions that
    reach it (including the unfiltered ones a metric shows beside), and the point limit."""
    opened = data.opened
    collection = component.collection
    versions = {
        name: (table.uri, table.version)
        for name, table in data.tables.items()
        if connected(opened.links, name, collection)
    }
    skip = component.id if component.type in ("figure", "multiqc") else None
    reaching = [repr(c) for c in data.plan(state).conditions(collection, skip)]
    spec = component.model_dump(mode="json", exclude={"layout", "title"})
    return result_key(render_codec.FORMAT, versions, spec, reaching, points)


def _since(started: float) -> float:
    return time.perf_counter() - started


def warm(settings: Settings) -> int:
    """Render every dashboard unfiltered, so that the first viewers after a start find the
    tables in memory, the results cached and the partials and orders being built. Returns
    how many dashboards were warmed; a dashboard that fails is skipped (its viewers will see
    the error)."""
    warmed = 0
    for opened in open_every_dashboard(settings):
        try:
            render(settings, opened, FilterState())
        except BiovistaError:
            _LOG.warning("could not warm dashboard %s", opened.id, exc_info=True)
            continue
        warmed += 1
    return warmed
