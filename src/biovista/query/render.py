"""Render a whole dashboard for one filter state: every component's result, or its error.

This is what a viewer waits for after each filter change, so it is one call: the components
run concurrently on the runtime's render pool (polars releases the GIL while it computes),
they share the request's filtered frames through one :class:`RequestPlan`, and each result
is cached under the versions of the tables it read, its spec and the conditions that reach
it. A cached result can therefore never be stale: a new ingest makes new table versions,
hence new keys. The Dash viewer calls :func:`render` in-process; the API serves the same
results as JSON.

What a component computes, its cost and whether its own selection reaches it come from its
kind (:mod:`biovista.query.kinds`): nothing here tests a component's type.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from biovista.config import Settings
from biovista.errors import BiovistaError, InvalidInputError
from biovista.models.dashboard import FilterState
from biovista.query import codec as render_codec
from biovista.query.cache import result_key
from biovista.query.dashboard import DashboardData, OpenedDashboard
from biovista.query.kinds import kind_of
from biovista.query.links import connected
from biovista.query.shared import SharedReads


@dataclass(frozen=True)
class ComponentResult:
    """One component's answer: ``value`` (see :mod:`biovista.query.codec`) or ``error``."""

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
    reads: SharedReads,
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
    data = data or DashboardData(settings, opened, reads)
    wanted = set(only) if only is not None else None
    chosen = [
        c
        for c in opened.spec.components()
        if kind_of(c).compute is not None and (wanted is None or c.id in wanted)
    ]
    chosen.sort(
        key=lambda c: kind_of(c).cost(c), reverse=True
    )  # the longest first: the shortest tail
    everything = set(full)
    cache = reads.cache
    jobs = [
        reads.pool.submit(_one, data, cache, c, state, limit if c.id not in everything else 0)
        for c in chosen
    ]
    results = {job.result().id: job.result() for job in jobs}
    return Rendered(results, time.perf_counter() - started)


def _one(data: DashboardData, cache: Any, component: Any, state: FilterState, points: int) -> Any:
    started = time.perf_counter()
    try:
        if kind_of(component).beside_unfiltered:  # its unfiltered value is shared by all states
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
    value = compute(data, component, state, points)
    cache.put(key, render_codec.encode(value))
    return value, False


def compute(data: DashboardData, component: Any, state: FilterState, max_points: int) -> Any:
    """One component's result under ``state`` (``max_points`` 0: all points, up to a cap)."""
    work = kind_of(component).compute
    if work is None:
        raise InvalidInputError(
            f"component {component.id!r} ({component.type}) has no data to render"
        )
    return work(data, component, state, max_points or render_codec.FULL_POINTS)


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
    skip = None if kind_of(component).filters_itself else component.id
    reaching = [repr(c) for c in data.plan(state).conditions(collection, skip)]
    spec = component.model_dump(mode="json", exclude={"layout", "title"})
    return result_key(render_codec.FORMAT, versions, spec, reaching, points)


def _since(started: float) -> float:
    return time.perf_counter() - started
