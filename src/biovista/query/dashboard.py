"""The reads of one opened dashboard: each method answers one component, within what it shows.

Reading is limited to what the SAVED spec shows: its components, and for a table only the
columns it lists (also for sorting and filtering, which would otherwise tell hidden values
apart). Components that are not saved yet (the editor's live preview) are read only for
those who may edit the dashboard (``can_edit``, decided when it was opened).
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from biovista.config import Settings
from biovista.errors import ForbiddenError, InvalidInputError, NotFoundError
from biovista.models.dashboard import (
    DashboardSpec,
    FigureComponent,
    FilterComponent,
    FilterState,
    ImageComponent,
    MetricComponent,
    TableComponent,
)
from biovista.models.project import LinkConfig
from biovista.query import distributions, partials
from biovista.query.cache import NoCache, result_key
from biovista.query.conditions import ROW_COLUMN
from biovista.query.hot import TableVersion
from biovista.query.kinds import drawn_as_figure
from biovista.query.plan import RequestPlan
from biovista.query.results import (
    Reduced,
    csv_export,
    figure_data,
    filter_options,
    metric_value,
    table_page,
)
from biovista.query.shared import SharedReads
from biovista.storage.tables import TableStore


@dataclass(frozen=True)
class OpenedDashboard:
    """A dashboard the caller may see, with what its components need to read data."""

    id: uuid.UUID
    title: str
    project: str
    spec: DashboardSpec
    revision: int
    can_edit: bool
    can_share: bool
    public: bool
    table_keys: dict[str, str]
    table_versions: dict[str, int]
    row_counts: dict[str, int]
    columns: dict[str, list[str]]
    links: list[LinkConfig] = field(default_factory=list)


class DashboardData:
    """Reads for one opened dashboard; each method answers one component.

    Every filter state gets one :class:`RequestPlan`, so the components read under it share
    their link key sets and filtered frames; tables are read from memory when they fit."""

    def __init__(self, settings: Settings, opened: OpenedDashboard, reads: SharedReads) -> None:
        self.opened = opened
        self.settings = settings
        self.reads = reads
        store = TableStore(settings)
        options = tuple(sorted(store.storage_options.items()))
        self.tables = {
            name: TableVersion(store.uri(key), opened.table_versions.get(name, 0), options)
            for name, key in opened.table_keys.items()
        }
        self._hot = reads.hot
        self._plans: dict[str, RequestPlan] = {}
        self._lock = threading.Lock()

    def plan(self, state: FilterState) -> RequestPlan:
        """The shared work of every read under ``state``."""
        name = state.model_dump_json()
        with self._lock:
            if name not in self._plans:
                self._plans[name] = RequestPlan(
                    self.tables, self.opened.links, self.opened.spec, state, self._hot
                )
            return self._plans[name]

    def _component(self, component_id: str, kind: type[Any]) -> Any:
        component = self.opened.spec.component(component_id)
        if not isinstance(component, kind):
            raise NotFoundError(f"no {kind.__name__} {component_id!r} in this dashboard")
        self._readable(component.collection)
        return component

    def _saved(self, spec: Any) -> None:
        """A component the saved spec does not hold as it is (a preview) is read only for
        those who may edit the dashboard: viewers and links see what was saved, no more."""
        if self.opened.can_edit:
            return
        saved = self.opened.spec.component(spec.id)
        saved = self._chart(saved) or saved  # a MultiQC plot is read as the chart drawing it
        if saved != spec:
            raise ForbiddenError(
                "only editors of this dashboard may read a component it has not saved"
            )

    def _readable(self, collection: str) -> None:
        if collection not in self.opened.table_keys:
            raise InvalidInputError(
                f"collection {collection!r} has no data yet: ingest the project"
            )

    def _frame(self, collection: str, state: FilterState, skip: str | None) -> pl.LazyFrame:
        return self.plan(state).frame(collection, skip)

    def figure(self, component_id: str, state: FilterState, max_points: int) -> Reduced:
        return self.figure_for(self.figure_spec(component_id), state, max_points)

    def figure_spec(self, component_id: str) -> FigureComponent:
        """The chart that draws a component: a figure, or a MultiQC plot table (whose shape
        tells which chart)."""
        component = self.opened.spec.component(component_id)
        if not isinstance(component, FigureComponent):
            figure = self._chart(component)
            if figure is not None:
                return figure
        spec: FigureComponent = self._component(component_id, FigureComponent)
        return spec

    def _chart(self, component: Any) -> FigureComponent | None:
        """The chart its kind draws ``component`` as (a figure itself); None if not a chart."""
        if component is None:
            return None
        columns = self.opened.columns.get(getattr(component, "collection", ""), [])
        figure: FigureComponent | None = drawn_as_figure(component, columns)
        return figure

    def figure_for(
        self, spec: FigureComponent, state: FilterState, max_points: int = 10_000
    ) -> Reduced:
        """Also for a component not saved yet (the editor's preview)."""
        self._saved(spec)
        self._readable(spec.collection)
        scale = dtype = None
        if spec.kind == "histogram" and spec.x:  # bins over all rows: bars keep their places
            source = self.plan(state).source(spec.collection)
            scale = distributions.histogram_bins(source, spec.x)
            dtype = source.collect_schema().get(spec.x)
        summed = self._from_partials(spec, state, spec.id, scale)
        if summed is not None:
            return partials.figure(summed[0], spec, summed[1], scale, dtype)
        if spec.kind in ("scatter", "line") and max_points >= 1:
            sampled = self.plan(state).sample(spec.collection, spec.id, max_points)
            if sampled is not None:
                return figure_data(sampled[0], spec, max_points, matched=sampled[1])
        frame = self._frame(spec.collection, state, skip=spec.id)
        return figure_data(frame, spec, max_points=max_points, scale=scale)

    def metric_for(self, spec: MetricComponent, state: FilterState) -> Any:
        self._saved(spec)
        self._readable(spec.collection)
        summed = self._from_partials(spec, state, None)
        if summed is not None:
            return partials.metric(summed[0], spec, summed[1])
        return metric_value(self._frame(spec.collection, state, None), spec)

    def _from_partials(
        self,
        spec: Any,
        state: FilterState,
        skip: str | None,
        scale: distributions.Bins | None = None,
    ) -> tuple[pl.DataFrame, partials.KeyFilter] | None:
        """The partial aggregates per link key that answer ``spec`` under ``state``, and
        the keys it keeps; None when the answer does not decompose that way."""
        plan = self.plan(state)
        kept = plan.key_filter(spec.collection, skip)
        key = kept.column if kept is not None else None
        key = key or next(iter(self._link_columns(spec.collection)), None)
        if kept is None or key is None:
            return None
        source = plan.source(spec.collection)
        if not partials.supports(spec, source.collect_schema()):
            return None
        if getattr(spec, "kind", None) == "histogram" and scale is None:  # nothing to bin
            return None
        table = self.tables[spec.collection]
        what = spec.model_dump(mode="json", exclude={"id", "title", "layout", "unit"})
        bins = None if scale is None else [scale.low, scale.width, scale.count]
        name = result_key("partials", partials.FORMAT, table.uri, table.version, what, key, bins)
        cache = self.reads.cache
        if isinstance(cache, NoCache):  # nowhere to keep them: a full pass each time
            return None
        found = partials.stored(cache, name)
        if found is not None:
            return found, kept
        if kept.column is None:  # unfiltered: answering directly is cheaper; build for later
            self.reads.partials.build_later(cache, name, source, spec, key, scale)
            return None
        return self.reads.partials.build(cache, name, source, spec, key, scale), kept

    def _link_columns(self, collection: str) -> list[str]:
        ends = [end for link in self.opened.links for end in (link.source, link.target)]
        return [end.split(".")[1] for end in ends if end.split(".")[0] == collection]

    def metric(self, component_id: str, state: FilterState) -> tuple[Any, Any]:
        """The value over the filtered rows and over all rows, computed as the render
        service computes them (the HTML export uses this)."""
        spec = self._component(component_id, MetricComponent)
        filtered = self.metric_for(spec, state)
        if state.is_empty():
            return filtered, filtered
        return filtered, self.metric_for(spec, FilterState())

    def options(self, component_id: str) -> dict[str, Any]:
        return self.options_for(self._component(component_id, FilterComponent))

    def options_for(self, spec: FilterComponent) -> dict[str, Any]:
        """Also for a filter not saved yet (the editor's preview)."""
        self._saved(spec)
        self._readable(spec.collection)
        return filter_options(self._frame(spec.collection, FilterState(), None), spec)

    def sample_rows(self, collection: str, columns: list[str], limit: int) -> pl.DataFrame:
        """The first rows of a collection, for previewing a component not saved yet."""
        if not self.opened.can_edit:
            raise ForbiddenError("only editors of this dashboard may preview its collections")
        self._readable(collection)
        frame, _ = table_page(self._frame(collection, FilterState(), None), columns, 0, limit)
        return frame

    def table(
        self,
        component_id: str,
        state: FilterState,
        offset: int,
        limit: int,
        sort: list[tuple[str, bool]],
        grid_filters: dict[str, Any] | None,
    ) -> tuple[pl.DataFrame, int]:
        spec = self._component(component_id, TableComponent)
        shown = [c for c in spec.columns if c != ROW_COLUMN]
        if shown:  # sorting or filtering by a hidden column would tell its values apart
            hidden = [c for c, _ in sort if c not in shown] + [
                c for c in grid_filters or {} if c not in shown
            ]
            if hidden:
                raise InvalidInputError(f"table {component_id!r} does not show {hidden[0]!r}")
        frame = self._frame(spec.collection, state, None)
        return table_page(frame, spec.columns, offset, limit, sort, grid_filters)

    def rows(self, component_id: str, state: FilterState, offset: int, limit: int) -> Any:
        """A page of any data component's filtered rows (image galleries, MultiQC tables)."""
        component = self.opened.spec.component(component_id)
        if component is None or not hasattr(component, "collection"):
            raise NotFoundError(f"no data component {component_id!r} in this dashboard")
        frame = self._frame(component.collection, state, None)
        return table_page(frame, [], offset, limit)

    def image_rows(
        self, component_id: str, state: FilterState
    ) -> tuple[ImageComponent, pl.LazyFrame]:
        """An image gallery and its filtered rows, which keep their stable ``_row`` ids."""
        spec: ImageComponent = self._component(component_id, ImageComponent)
        return spec, self._frame(spec.collection, state, None)

    def csv(self, component_id: str, state: FilterState) -> bytes:
        spec = self._component(component_id, TableComponent)
        return csv_export(self._frame(spec.collection, state, None), spec.columns)
