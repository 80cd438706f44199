"""One request's shared work: each collection's filtered rows, computed once for all components.

A dashboard of 30 components reads three or four collections under one filter state, so most
components filter the same table the same way. The plan resolves each link filter to its key
set once (see :func:`restrict`) and, for tables held in memory, materialises each distinct
filtered frame once, however many components read it; components that skip their own filter
(a figure does not filter itself by its selection) get a frame of their own. Tables too large
for memory stay lazy scans with pushdown, so their sharing is limited to the key sets.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from biovista.models.dashboard import DashboardSpec, FilterState
from biovista.models.project import LinkConfig
from biovista.query.conditions import ROW_COLUMN, Condition, conditions_for
from biovista.query.hot import HotTables, TableVersion
from biovista.query.links import connected, link_keys, restrict
from biovista.query.partials import KeyFilter


@dataclass
class RequestPlan:
    """Filtered frames for one dashboard and filter state; safe to share between threads."""

    tables: Mapping[str, TableVersion]
    links: Sequence[LinkConfig]
    spec: DashboardSpec
    state: FilterState
    hot: HotTables | None = None
    _sources: dict[str, pl.LazyFrame] = field(default_factory=dict)
    _frames: dict[str, pl.LazyFrame] = field(default_factory=dict)
    _keys: dict[str, pl.Series] = field(default_factory=dict)
    _held: dict[str, pl.DataFrame] = field(default_factory=dict)
    _kept: dict[str, Any] = field(default_factory=dict)
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def conditions(self, collection: str, skip: str | None) -> list[Condition]:
        """The state's conditions that reach ``collection`` (those of ``skip`` left out)."""
        found = conditions_for(self.spec, self.state, skip=skip)
        return [c for c in found if connected(self.links, c.collection, collection)]

    def frame(self, collection: str, skip: str | None = None) -> pl.LazyFrame:
        """``collection``'s rows under the state, with their row ids; computed once."""
        return self._filtered(collection, skip)[0]

    def sample(
        self, collection: str, skip: str | None, max_points: int
    ) -> tuple[pl.LazyFrame, int] | None:
        """Every k-th kept row of an in-memory table (at most ``max_points``) and how many
        rows are kept: gathered by position, without filtering whole columns first. None
        for a table read from storage."""
        kept = self._filtered(collection, skip)[1]
        if not self.is_hot(collection):
            return None
        held = self._held[collection]
        total = len(kept) if kept is not None else held.height
        step = -(-total // max_points) if total > max_points else 1
        picks = kept[::step] if kept is not None else np.arange(0, total, step)
        positions = pl.Series(picks[:max_points], dtype=pl.UInt32)
        return held[positions].lazy(), total  # eager: a lazy gather scans the whole column

    def _filtered(self, collection: str, skip: str | None) -> tuple[pl.LazyFrame, Any]:
        conditions = self.conditions(collection, skip)
        name = json.dumps([collection, [repr(c) for c in conditions]])
        with self._named_lock(name):
            if name not in self._frames:
                sources = _Sources(self)
                frame = restrict(sources, self.links, conditions, collection, keys=self._keys)
                if conditions and self.is_hot(collection):
                    kept = _kept(frame)
                    self._kept[name] = kept
                    frame = self.source(collection).filter(
                        pl.lit(_mask(kept, self._height(collection)))
                    )
                self._frames[name] = frame
            return self._frames[name], self._kept.get(name)

    def _height(self, collection: str) -> int:
        return self._held[collection].height

    def key_filter(self, collection: str, skip: str | None = None) -> KeyFilter | None:
        """When every condition reaching ``collection`` arrives through links on one of its
        columns: that column and the keys kept (intersected). None when a condition is on
        the collection's own columns or links arrive on several columns."""
        conditions = self.conditions(collection, skip)
        if any(c.collection == collection for c in conditions):
            return None
        found = link_keys(_Sources(self), self.links, conditions, collection, self._keys)
        if not found:
            return KeyFilter()
        if len({column for column, _ in found}) > 1:
            return None
        column, kept = found[0]
        for _, more in found[1:]:
            kept = kept.filter(kept.is_in(more.implode()))
        return KeyFilter(column, kept)

    def is_hot(self, collection: str) -> bool:
        """Whether ``collection`` is read from memory (else from storage, with pushdown)."""
        self.source(collection)
        return collection in self._held

    def source(self, collection: str) -> pl.LazyFrame:
        """The unfiltered table: from memory when it fits, else a lazy scan of storage."""
        with self._named_lock(f"source:{collection}"):
            if collection not in self._sources:
                self._sources[collection] = self._load(collection)
            return self._sources[collection]

    def _load(self, collection: str) -> pl.LazyFrame:
        table = self.tables[collection]
        scan = table.scan()
        if self.hot is None:
            return scan
        columns = [ROW_COLUMN, *scan.collect_schema().names()]
        held = self.hot.frame(table, columns)
        if held is None:
            return scan
        self._held[collection] = held
        return held.lazy()

    def _named_lock(self, name: str) -> threading.Lock:
        with self._lock:
            return self._locks.setdefault(name, threading.Lock())


def _kept(frame: pl.LazyFrame) -> Any:
    """The positions of the rows an in-memory ``frame`` keeps, computed once from the
    predicate columns alone; every component then reads just its own columns of them."""
    return frame.select(ROW_COLUMN).collect()[ROW_COLUMN].to_numpy()


def _mask(kept: Any, height: int) -> pl.Series:
    mask = np.zeros(height, dtype=bool)
    mask[kept] = True
    return pl.Series("_kept", mask)


class _Sources(Mapping[str, pl.LazyFrame]):
    """The plan's tables as a mapping that loads a table only when a query touches it."""

    def __init__(self, plan: RequestPlan) -> None:
        self._plan = plan

    def __getitem__(self, name: str) -> pl.LazyFrame:
        if name not in self._plan.tables:
            raise KeyError(name)
        return self._plan.source(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._plan.tables)

    def __len__(self) -> int:
        return len(self._plan.tables)
