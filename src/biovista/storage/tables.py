"""The Delta tables that hold each collection's rows, on a local folder or in S3.

Every change to a table is one Delta commit, so a reader always sees a complete version and
a writer that dies mid-way leaves the previous version in place.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa
from deltalake import CommitProperties, DeltaTable, write_deltalake
from deltalake.exceptions import DeltaError, TableNotFoundError

from biovista.config import Settings
from biovista.errors import StorageError

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
    ) -> int:
        """Replace the rows matching ``predicate`` (all rows when None) with ``batches``,
        in one commit, and return the new version. New columns are merged into the schema."""
        reader = pa.RecordBatchReader.from_batches(schema, iter(batches))
        table = self.open(key)
        properties = CommitProperties(custom_metadata={COMMIT_TAG: ingestion_id})
        try:
            if table is None:
                write_deltalake(
                    self.uri(key),
                    reader,
                    mode="append",
                    storage_options=self.storage_options or None,
                    commit_properties=properties,
                )
            else:
                write_deltalake(
                    table,
                    reader,
                    mode="overwrite",
                    predicate=predicate,
                    schema_mode="merge" if predicate else "overwrite",
                    commit_properties=properties,
                )
        except (DeltaError, OSError, pa.ArrowException) as exc:
            raise StorageError(f"writing table {self.uri(key)} failed: {exc}") from None
        written = self.open(key)
        assert written is not None
        return written.version()
