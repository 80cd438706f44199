"""The Delta tables that hold each collection's rows, on a local folder or in S3.

Every change to a table is one Delta commit, so a reader always sees a complete version and
a writer that dies mid-way leaves the previous version in place.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa
from deltalake import CommitProperties, DeltaTable, write_deltalake
from deltalake.exceptions import DeltaError, TableNotFoundError

from biovista.config import Settings
from biovista.errors import StorageError
from biovista.storage import layout
from biovista.storage.layout import LayoutReport, LayoutState, TableLayout

if TYPE_CHECKING:
    from mypy_boto3_s3.type_defs import ObjectIdentifierTypeDef

COMMIT_TAG = "biovista.ingestion"
"""Commit metadata key recording which ingestion wrote a version (provenance)."""


@dataclass(frozen=True)
class TableInfo:
    version: int
    columns: list[dict[str, str]]


class TableStore:
    """Delta tables below one root (``<data_dir>/tables`` or ``s3://bucket/prefix/tables``)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        if settings.s3_bucket:
            prefix = "/".join(p for p in (settings.s3_prefix.strip("/"), "tables") if p)
            self.root = f"s3://{settings.s3_bucket}/{prefix}"
            self.storage_options: dict[str, str] = settings.s3_storage_options()
        else:
            self.root = str((settings.data_dir / "tables").resolve())
            self.storage_options = {}

    def uri(self, key: str) -> str:
        return f"{self.root}/{key}"

    def open(self, key: str) -> DeltaTable | None:
        """The latest version of a table, or None when it was never written."""
        try:
            return DeltaTable(self.uri(key), storage_options=self.storage_options or None)
        except TableNotFoundError:
            return None
        except (DeltaError, OSError) as exc:
            raise StorageError(f"cannot open table {self.uri(key)}: {exc}") from None

    def info(self, key: str) -> TableInfo | None:
        table = self.open(key)
        if table is None:
            return None
        schema = pl.scan_delta(table).collect_schema()
        columns = [{"name": name, "type": str(dtype)} for name, dtype in schema.items()]
        return TableInfo(version=table.version(), columns=columns)

    def scan(self, key: str) -> pl.LazyFrame:
        """A lazy scan of the latest version; filters and projections are pushed down."""
        table = self.open(key)
        if table is None:
            raise StorageError(f"table {key} has not been written yet")
        return pl.scan_delta(table)

    def polars_schema(self, key: str) -> pl.Schema | None:
        table = self.open(key)
        return None if table is None else pl.scan_delta(table).collect_schema()

    def check(self) -> None:
        """Raise StorageError unless the table root can be reached (and written locally)."""
        if self.root.startswith("s3://"):
            from biovista.storage.s3 import s3_client, split_url

            bucket, _ = split_url(self.root)
            try:
                s3_client(self._settings).head_bucket(Bucket=bucket)
            except Exception as exc:  # botocore raises many kinds; all mean "not reachable"
                raise StorageError(f"bucket {bucket!r} is not reachable: {exc}") from None
            return
        root = Path(self.root)
        root.mkdir(parents=True, exist_ok=True)
        if not os.access(root, os.W_OK):
            raise StorageError(f"{root} is not writable")

    def drop(self, prefix: str) -> None:
        """Delete every table below ``prefix`` (a deleted project's data)."""
        if self.root.startswith("s3://"):
            from biovista.storage.s3 import s3_client, split_url

            bucket, base = split_url(f"{self.root}/{prefix}")
            client = s3_client(self._settings)
            for page in client.get_paginator("list_objects_v2").paginate(
                Bucket=bucket, Prefix=base + "/"
            ):
                keys: list[ObjectIdentifierTypeDef] = [
                    {"Key": item["Key"]} for item in page.get("Contents", [])
                ]
                if keys:
                    client.delete_objects(Bucket=bucket, Delete={"Objects": keys})
            return
        shutil.rmtree(Path(self.root) / prefix, ignore_errors=True)

    def replace(
        self,
        key: str,
        schema: pa.Schema,
        batches: Iterable[pa.RecordBatch],
        predicate: str | None,
        ingestion_id: str,
        metadata: Mapping[str, str] | None = None,
    ) -> int:
        """Replace the rows matching ``predicate`` (all rows when None) with ``batches``,
        in one commit, and return the new version. New columns are merged into the schema.
        ``metadata`` is added to the commit's (the layout the rows were written in)."""
        reader = pa.RecordBatchReader.from_batches(schema, iter(batches))
        table = self.open(key)
        properties = CommitProperties(
            custom_metadata={**(metadata or {}), COMMIT_TAG: ingestion_id}
        )
        try:
            if table is None:
                write_deltalake(
                    self.uri(key),
                    reader,
                    mode="append",
                    storage_options=self.storage_options or None,
                    writer_properties=layout.writer_properties(),
                    commit_properties=properties,
                )
            else:
                write_deltalake(
                    table,
                    reader,
                    mode="overwrite",
                    predicate=predicate,
                    schema_mode="merge" if predicate else "overwrite",
                    writer_properties=layout.writer_properties(),
                    commit_properties=properties,
                )
        except (DeltaError, OSError, pa.ArrowException) as exc:
            raise StorageError(f"writing table {self.uri(key)} failed: {exc}") from None
        written = self.open(key)
        assert written is not None
        return written.version()

    def layout(self, key: str, with_state: bool = True) -> TableLayout | None:
        """Rows, files and (``with_state``) clustering state of the latest version, read from
        the Delta log only. The state costs one log read per commit since the last layout
        change; skip it when the table has no columns to cluster by."""
        table = self.open(key)
        if table is None:
            return None
        try:
            history = self._history(key, table.version()) if with_state else None
            return layout.describe(table, history)
        except (DeltaError, OSError, ValueError, pa.ArrowException) as exc:
            raise StorageError(f"cannot read the layout of table {self.uri(key)}: {exc}") from None

    def optimize(self, key: str, cluster_by: list[str], reason: str = "") -> LayoutReport:
        """Compact small files and, when ``cluster_by`` names columns, cluster every row by
        them (Z-order; for one column a sort, on about the first 14 bytes of a text value).

        Optimize commits never change the data: a reader of an earlier version keeps working,
        and the files it reads are deleted only after ``VACUUM_RETENTION_HOURS``. The commit
        metadata records the clustering, so the next ingest knows how much is unclustered."""
        table = self.open(key)
        if table is None:
            raise StorageError(f"table {key} has not been written yet")
        started = time.perf_counter()
        try:
            before = layout.describe(table, self._history(key, table.version()))
            state = _state_after(before, cluster_by)
            properties = CommitProperties(
                custom_metadata={layout.LAYOUT_TAG: state.metadata(reason)}
            )
            if cluster_by:
                metrics = table.optimize.z_order(
                    cluster_by,
                    max_spill_size=layout.SPILL_BYTES,
                    writer_properties=layout.writer_properties(),
                    commit_properties=properties,
                )
            else:
                metrics = table.optimize.compact(
                    target_size=layout.SMALL_FILE_BYTES,
                    writer_properties=layout.writer_properties(),
                    commit_properties=properties,
                )
            vacuumed = table.vacuum(
                retention_hours=layout.VACUUM_RETENTION_HOURS,
                enforce_retention_duration=False,
                dry_run=False,
            )
        except (DeltaError, OSError, ValueError, pa.ArrowException) as exc:
            raise StorageError(f"optimizing table {self.uri(key)} failed: {exc}") from None
        return LayoutReport(
            action="cluster" if cluster_by else "compact",
            cluster_by=list(state.cluster_by),
            reason=reason,
            files_removed=int(metrics.get("numFilesRemoved", 0)),
            files_added=int(metrics.get("numFilesAdded", 0)),
            files_vacuumed=len(vacuumed),
            rows=before.rows,
            version=table.version(),
            seconds=round(time.perf_counter() - started, 3),
            unclustered_share=round(state.unclustered_rows / before.rows, 4) if before.rows else 0,
        )

    def _history(self, key: str, newest: int) -> Iterator[dict[str, Any]]:
        """The ``commitInfo`` of each version from ``newest`` back, one log file read at a
        time (``DeltaTable.history`` lists the whole log first, and its listing stalls on
        some S3 servers). Stops at the first version whose log file is gone."""
        log = f"{self.uri(key)}/_delta_log"
        read = _s3_reader(self._settings, log) if log.startswith("s3://") else _local_reader(log)
        for version in range(newest, max(-1, newest - layout.HISTORY_DEPTH), -1):
            text = read(f"{version:020d}.json")
            if text is None:
                return
            for line in text.splitlines():
                if line.startswith('{"commitInfo"'):
                    info: dict[str, Any] = json.loads(line)["commitInfo"]
                    yield info
                    break


def _local_reader(folder: str) -> Callable[[str], str | None]:
    def read(name: str) -> str | None:
        try:
            return (Path(folder) / name).read_text()
        except FileNotFoundError:
            return None

    return read


def _s3_reader(settings: Settings, folder: str) -> Callable[[str], str | None]:
    from biovista.storage.s3 import s3_client, split_url

    bucket, prefix = split_url(folder)
    client = s3_client(settings)

    def read(name: str) -> str | None:
        try:
            body = client.get_object(Bucket=bucket, Key=f"{prefix}/{name}")["Body"]
            text: str = body.read().decode()
        except client.exceptions.NoSuchKey:
            return None
        except Exception as exc:  # botocore raises many kinds; all mean "not readable"
            raise StorageError(f"cannot read {folder}/{name}: {exc}") from None
        return text

    return read


def _state_after(before: TableLayout, cluster_by: list[str]) -> LayoutState:
    """Clustering leaves nothing unclustered; compaction keeps the order it found."""
    if cluster_by:
        return LayoutState(tuple(cluster_by), 0)
    if before.state is None:
        return LayoutState((), before.rows)
    return before.state
