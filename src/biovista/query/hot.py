"""Hot tables: the columns that dashboards read, kept in memory per Delta table version.

Decoding Parquet is most of the cost of a dashboard over a large table (about 0.1 s per
numeric column and 1 s per text column of 12M rows), and a viewer changing filters reads the
same columns again and again. So the columns a render needs are decoded once per table
*version* and kept: text columns as categoricals (read straight from Parquet's dictionaries),
numbers as they are. A new ingest makes a new version, and the old one is dropped, so the
data can never be stale. The cache has a byte budget; a table whose columns would not fit is
not held at all, and the caller scans it from storage with pushdown instead.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl
import pyarrow.dataset as ds
from deltalake import DeltaTable
from deltalake.exceptions import DeltaError

from biovista.config import Settings
from biovista.errors import StorageError
from biovista.query.conditions import ROW_COLUMN

TEXT_BYTES_PER_ROW = 4
"""A categorical's code; the dictionary of distinct values is small beside it."""


@dataclass(frozen=True)
class TableVersion:
    """One version of one Delta table: what the cache and the result keys are keyed by."""

    uri: str
    version: int
    storage_options: tuple[tuple[str, str], ...] = ()

    def open(self) -> DeltaTable:
        try:
            return DeltaTable(
                self.uri, version=self.version, storage_options=dict(self.storage_options) or None
            )
        except (DeltaError, OSError) as exc:
            raise StorageError(
                f"cannot open table {self.uri} at version {self.version}: {exc}"
            ) from None

    def scan(self) -> pl.LazyFrame:
        """A lazy scan with projection and predicate pushdown (the path for cold tables)."""
        return pl.scan_delta(self.open())


class _Entry:
    def __init__(self, rows: int) -> None:
        self.rows = rows
        self.frame = pl.DataFrame()
        self.lock = threading.Lock()

    @property
    def bytes(self) -> int:
        return int(self.frame.estimated_size())


class HotTables:
    """The process's in-memory columns, least recently used dropped first past ``max_bytes``."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[TableVersion, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def frame(self, table: TableVersion, columns: Sequence[str]) -> pl.DataFrame | None:
        """``columns`` of ``table`` in memory (loading what is missing), or None when they
        would not fit the budget. The row order is the table's scan order."""
        entry = self._entry(table)
        if entry is None:
            return None
        with entry.lock:
            missing = [c for c in dict.fromkeys(columns) if c not in entry.frame.columns]
            if missing:
                schema = _schema(table)
                needed = _estimate(entry.rows, missing, schema)
                if needed + self.used() > self.max_bytes:
                    self._make_room(table, needed)
                if needed + self.used() > self.max_bytes:
                    return None
                loaded = _load(table, missing, schema, entry.rows)
                entry.frame = entry.frame.hstack(loaded) if entry.frame.width else loaded
            return entry.frame.select(list(dict.fromkeys(columns)))

    def used(self) -> int:
        with self._lock:
            return self._used_locked()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def _entry(self, table: TableVersion) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(table)
            if entry is not None:
                self._entries.move_to_end(table)
                return entry
            for older in [t for t in self._entries if t.uri == table.uri]:
                del self._entries[older]  # a new version replaces the old one
        rows = _row_count(table)
        with self._lock:
            entry = self._entries.setdefault(table, _Entry(rows))
            self._entries.move_to_end(table)
            return entry

    def _make_room(self, keep: TableVersion, needed: int) -> None:
        with self._lock:
            for table in list(self._entries):
                if table == keep or self.max_bytes - self._used_locked() >= needed:
                    continue
                del self._entries[table]

    def _used_locked(self) -> int:
        return sum(entry.bytes for entry in self._entries.values())


def _row_count(table: TableVersion) -> int:
    return int(table.open().count())


def _schema(table: TableVersion) -> Mapping[str, pl.DataType]:
    return dict(table.scan().collect_schema())


def _estimate(rows: int, columns: Sequence[str], schema: Mapping[str, pl.DataType]) -> int:
    size = 0
    for column in columns:
        dtype = schema.get(column, pl.UInt32)
        text = dtype in (pl.String, pl.Categorical)
        size += rows * (TEXT_BYTES_PER_ROW if text else 8)
    return size


def _load(
    table: TableVersion, columns: Sequence[str], schema: Mapping[str, pl.DataType], rows: int
) -> pl.DataFrame:
    """Decode ``columns``; text straight from Parquet's dictionaries into categoricals."""
    stored = [c for c in columns if c != ROW_COLUMN]
    frame = _read(table, stored, schema) if stored else pl.DataFrame()
    if ROW_COLUMN in columns:
        row_ids = pl.int_range(rows, dtype=pl.UInt32, eager=True).alias(ROW_COLUMN)
        frame = frame.with_columns(row_ids) if frame.width else row_ids.to_frame()
    if frame.height != rows:
        raise StorageError(f"table {table.uri}: read {frame.height} rows, expected {rows}")
    return frame.select(columns)


def _read(
    table: TableVersion, columns: Sequence[str], schema: Mapping[str, pl.DataType]
) -> pl.DataFrame:
    """One column at a time, so that the copy being converted is one column's worth; text
    from Parquet's dictionaries (through Arrow), numbers through polars' own reader."""
    text = [c for c in columns if schema.get(c) == pl.String]
    options = ds.ParquetReadOptions(dictionary_columns=text)
    try:
        dataset = table.open().to_pyarrow_dataset(parquet_read_options=options)
        parts = []
        for column in columns:
            if column not in text:  # polars' own reader: no Arrow copy at all
                parts.append(table.scan().select(column).collect().rechunk())
                continue
            part = pl.from_arrow(dataset.to_table([column]))
            assert isinstance(part, pl.DataFrame)
            parts.append(part.with_columns(pl.col(column).cast(pl.Categorical)).rechunk())
    except (DeltaError, OSError) as exc:
        raise StorageError(f"cannot read table {table.uri}: {exc}") from None
    # Each column is one chunk already, so joining them copies nothing.
    return pl.concat(parts, how="horizontal")


def hot_tables(settings: Settings) -> HotTables | None:
    """New hot tables for the settings' budget; None when the budget is 0 (always scan).
    A process keeps one, on its runtime (``biovista.query.shared.SharedReads``)."""
    budget = settings.hot_tables_max_bytes
    return HotTables(budget) if budget > 0 else None
