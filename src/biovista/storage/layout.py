"""How a Delta table's rows sit in Parquet files, so that filtered scans can skip data.

Dashboards filter big collections by key sets (``sample_id IN (...)``). A Parquet scan skips
a row group only when its min/max statistics exclude every key, which needs rows clustered
on the key and row groups small enough to be skipped one by one. This module holds the
writer settings, the layout state that biovista records in commit metadata, and the figures
a layout change reports.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from deltalake import DeltaTable, WriterProperties

ROW_GROUP_ROWS = 131_072
"""Rows per Parquet row group. Measured on the 12M-row benchmark table: with the default
1,048,576 rows a lookup of one sample read 2 row groups of 10 (a fifth of the table); with
131,072 and clustering, 1 to 1.5 of 77. The price: a dictionary per group made that table
121 MB instead of 55 MB (4M random numbers: 73 MB instead of 58 MB)."""

SMALL_FILE_BYTES = 32 * 2**20
"""Files below this size are merged by compaction (and counted as small); the big files a
clustering writes are left alone, so compaction after a small ingest stays cheap."""

SPILL_BYTES = 2**30
"""Memory the clustering sort may hold before it spills to temporary files. Z-ordering the
10M-row benchmark table took 16.7 s and 1.5 GB unbounded, 19.2 s and 1.1 GB with 1 GiB, and
38.8 s and 0.4 GB with 256 MiB (spilling is slow on two cores)."""

VACUUM_RETENTION_HOURS = 1
"""Files that a commit removed are deleted only this long afterwards, so a reader still on
an older version (a running dashboard query) finds its files."""

LAYOUT_TAG = "biovista.layout"
"""Commit metadata key of every layout commit: the clustering columns and why it ran."""

HISTORY_DEPTH = 50
"""Commits searched back for the last layout commit; beyond that the layout is unknown."""


def writer_properties() -> WriterProperties:
    """Parquet settings for every biovista write: small row groups, snappy like the default."""
    return WriterProperties(max_row_group_size=ROW_GROUP_ROWS, compression="SNAPPY")


@dataclass(frozen=True)
class LayoutState:
    """What the last layout commit left, and how much was written since."""

    cluster_by: tuple[str, ...]
    """Columns the table was last clustered by; empty when it never was."""
    unclustered_rows: int
    """Rows written since that clustering, in the order they arrived."""

    def metadata(self, reason: str) -> str:
        return json.dumps(
            {
                "cluster_by": list(self.cluster_by),
                "unclustered_rows": self.unclustered_rows,
                "reason": reason,
            }
        )


@dataclass(frozen=True)
class TableLayout:
    """The current version as the Delta log describes it (no data file is read)."""

    rows: int
    files: int
    small_files: int
    state: LayoutState | None
    """None when no layout commit was found: treat every row as unclustered."""

    @property
    def unclustered_share(self) -> float:
        if self.state is None:
            return 1.0
        return min(1.0, self.state.unclustered_rows / self.rows) if self.rows else 0.0


@dataclass(frozen=True)
class LayoutReport:
    """What one layout change did; part of the ingestion report."""

    action: Literal["cluster", "compact", "sorted"]
    """``sorted``: the commit itself wrote the rows in key order; nothing was rewritten."""
    cluster_by: list[str]
    reason: str
    files_removed: int
    files_added: int
    files_vacuumed: int
    rows: int
    version: int
    """The table version after the change (and after vacuuming)."""
    seconds: float
    unclustered_share: float = field(default=0.0)
    """Share of rows outside the clustering after the change."""


def describe(table: DeltaTable, history: Iterable[dict[str, Any]] | None) -> TableLayout:
    """Rows, files and layout state of the table's current version. ``history`` is the
    ``commitInfo`` of each version, newest first; it is read only up to a layout commit,
    and not at all when it is None or the table fits in one row group (nothing to skip)."""
    actions = table.get_add_actions(flatten=True)
    rows = sum(n or 0 for n in actions.column("num_records").to_pylist())
    sizes = actions.column("size_bytes").to_pylist()
    small = sum(1 for size in sizes if size < SMALL_FILE_BYTES)
    state = _state(history) if history is not None and rows > ROW_GROUP_ROWS else None
    return TableLayout(rows, len(sizes), small, state)


def _state(history: Iterable[dict[str, Any]]) -> LayoutState | None:
    """The last layout commit's state plus the rows written after it. Writes record their
    new rows in ``operationMetrics.num_added_rows``; other commits (vacuum) add none."""
    written = 0
    for commit in history:
        tag = commit.get(LAYOUT_TAG)
        if isinstance(tag, str):
            try:
                recorded = json.loads(tag)
                columns = tuple(str(c) for c in recorded["cluster_by"])
                base = int(recorded["unclustered_rows"])
            except (ValueError, KeyError, TypeError):
                return None
            return LayoutState(columns, base + written)
        if commit.get("operation") == "WRITE":
            metrics = commit.get("operationMetrics") or {}
            written += int(metrics.get("num_added_rows") or 0)
    return None
