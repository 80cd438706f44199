"""After an ingest commit: keep each table clustered on the columns dashboards filter it by.

A linked collection is filtered by key sets (``sample_id IN (...)``) and a filter control by
its own column; both only skip data when the rows are clustered on that column. A commit
that writes the whole table can often write it sorted already (:func:`presort`). Otherwise
clustering rewrites the whole table, so it runs when most rows would profit: on the first
or a full ingest, when the columns change, or once a fifth of the rows arrived since the
last clustering. Other ingests only merge small files, which keeps them cheap.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl
from pydantic import ValidationError
from sqlalchemy import select

from biovista.db.models import Dashboard
from biovista.db.session import session_scope
from biovista.models.dashboard import DashboardSpec, FilterComponent
from biovista.models.project import ProjectConfig
from biovista.services.ingest.stage import StagedFile
from biovista.storage import layout
from biovista.storage.layout import LAYOUT_TAG, LayoutReport, LayoutState, TableLayout
from biovista.storage.tables import TableStore

MAX_CLUSTER_COLUMNS = 3
"""Z-order on more columns spreads each one's ranges until none of them skips well."""

RECLUSTER_SHARE = 0.2
"""Re-cluster once this share of the rows was written since the last clustering. Each
clustering costs about one rewrite of the table, so over many small ingests the cost is about
1 / RECLUSTER_SHARE rewrites per table's worth of new rows."""

COMPACT_MIN_FILES = 8
"""Merge small files once a table has this many: each file costs a request per scan."""


def dashboard_filters(url: str, project_id: uuid.UUID) -> dict[str, list[str]]:
    """Per collection, the columns the project's saved dashboards filter on, most used first.

    A dashboard whose spec no longer validates is skipped: it must not fail an ingest."""
    with session_scope(url) as session:
        specs = list(
            session.scalars(select(Dashboard.spec).where(Dashboard.project_id == project_id))
        )
    uses: dict[str, Counter[str]] = {}
    for raw in specs:
        try:
            spec = DashboardSpec.model_validate(raw)
        except ValidationError:
            continue
        for component in spec.components():
            if isinstance(component, FilterComponent):
                uses.setdefault(component.collection, Counter())[component.column] += 1
    return {name: [column for column, _ in counts.most_common()] for name, counts in uses.items()}


def cluster_candidates(
    config: ProjectConfig, collection: str, filters: Mapping[str, list[str]]
) -> tuple[str, ...]:
    """The collection's link columns (in the project file's order), then its dashboard
    filter columns; not yet checked against the table."""
    columns: list[str] = []
    for link in config.links:
        for ref in (link.source, link.target):
            name, column = ref.split(".", 1)
            if name == collection:
                columns.append(column)
    columns += filters.get(collection, [])
    return tuple(dict.fromkeys(columns))


def cluster_columns(candidates: Iterable[str], schema: Mapping[str, pl.DataType]) -> list[str]:
    """Candidates the table has, with a type Z-order can order, at most MAX_CLUSTER_COLUMNS."""
    usable = [
        name
        for name in candidates
        if name in schema and not schema[name].is_nested() and schema[name] != pl.Null
    ]
    return usable[:MAX_CLUSTER_COLUMNS]


Span = tuple[Any, Any]
"""Smallest and largest value of the sort column in one staged file."""


def presort(frame: pl.DataFrame, candidates: tuple[str, ...]) -> tuple[pl.DataFrame, Span | None]:
    """Sort one file's rows by the collection's only cluster column, in the worker that
    parsed it. When files hold disjoint key ranges (each run its own samples), writing them
    in key order is a sort of the whole table, which saves rewriting it after the commit."""
    if len(candidates) != 1 or candidates[0] not in frame.columns:
        return frame, None
    column = candidates[0]
    if cluster_columns(candidates, frame.schema) != [column]:
        return frame, None
    ordered = frame.sort(column, nulls_last=True)
    values = ordered[column].drop_nulls()
    return ordered, (values[0], values[-1]) if len(values) else None


def order_staged(staged: list[StagedFile], spans: Mapping[str, Span]) -> bool:
    """Put the staged files in key order (in place). True when there are files, every one
    was presorted and no two key ranges overlap: the rows are then written sorted."""
    try:
        staged.sort(key=lambda s: (s.found.path not in spans, spans.get(s.found.path, ("",))[0]))
    except TypeError:  # files disagree on the column's type; widening happens at the commit
        return False
    previous: Any = None
    for item in staged:
        span = spans.get(item.found.path)
        if span is None or (previous is not None and span[0] < previous):
            return False
        previous = span[1]
    return bool(staged)


def sorted_on_write(column: str) -> dict[str, str]:
    """Commit metadata for rows written sorted by ``column``: nothing left to cluster."""
    return {LAYOUT_TAG: LayoutState((column,), 0).metadata("sorted on write")}


def sorted_report(column: str, rows: int, version: int) -> LayoutReport:
    """The report of a commit that wrote the whole table sorted (its cost is in parsing)."""
    return LayoutReport("sorted", [column], "sorted on write", 0, 0, 0, rows, version, 0.0)


def decide(current: TableLayout, cluster_by: list[str]) -> tuple[str, str] | None:
    """("cluster" | "compact", why), or None when the layout is good enough as it is.

    A table of at most one row group has nothing to skip; it is only ever compacted."""
    if cluster_by and current.rows > layout.ROW_GROUP_ROWS:
        state = current.state
        if state is None or not state.cluster_by:
            return "cluster", "first clustering"
        if list(state.cluster_by) != cluster_by:
            return "cluster", f"columns changed from {', '.join(state.cluster_by)}"
        if current.unclustered_share > RECLUSTER_SHARE:
            return "cluster", f"{current.unclustered_share:.0%} of rows written since"
    if current.small_files >= COMPACT_MIN_FILES:
        return "compact", f"{current.small_files} small files"
    return None


def arrange(store: TableStore, key: str, candidates: tuple[str, ...]) -> LayoutReport | None:
    """Cluster or compact the table after a commit, as :func:`decide` says; None if neither."""
    schema = store.polars_schema(key)
    if schema is None:
        return None
    cluster_by = cluster_columns(candidates, schema)
    current = store.layout(key, with_state=bool(cluster_by))
    if current is None:
        return None
    decision = decide(current, cluster_by)
    if decision is None:
        return None
    action, reason = decision
    return store.optimize(key, cluster_by if action == "cluster" else [], reason)
