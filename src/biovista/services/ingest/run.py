"""Ingestion: bring a project's Delta tables up to date with the files in its runs.

Each collection is updated in one Delta commit (new and changed files replace their own
rows, deleted files lose theirs), and only then is the metadata database told. A process
killed at any point therefore leaves the previous table version readable, and the next
ingest repairs the metadata because a file the database does not know is read again.
"""

from __future__ import annotations

import os
import socket
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import select

from biovista.config import Settings
from biovista.db.migrate import ensure_schema
from biovista.db.models import Collection, Ingestion, Project, SourceFile, utcnow
from biovista.db.session import session_scope
from biovista.errors import BiovistaError, StorageError
from biovista.models.loader import LoadedProject
from biovista.models.project import FILE_COLUMN, CollectionConfig
from biovista.models.statuses import IngestionStatus
from biovista.parsers import detect_format, get_parser
from biovista.parsers.base import ParseError
from biovista.services.ingest.clustering import (
    Span,
    arrange,
    cluster_candidates,
    dashboard_filters,
    order_staged,
    presort,
    sorted_on_write,
    sorted_report,
)
from biovista.services.ingest.conform import conform
from biovista.services.ingest.plan import FilePlan, HashCache, KnownFile, plan_files
from biovista.services.ingest.report import (
    CollectionReport,
    FileFailure,
    IngestProgress,
    IngestReport,
    NoProgress,
)
from biovista.services.ingest.stage import StagedFile, arrow_schema, batches, stage, unified_schema
from biovista.services.projects.catalog import register_project, upsert_runs
from biovista.storage.base import Source
from biovista.storage.scan import FoundFile, scan_project
from biovista.storage.tables import TableStore


@dataclass(frozen=True)
class _Job:
    """What one collection's update needs to know, gathered before any file is read."""

    project_id: uuid.UUID
    ingestion_id: uuid.UUID
    name: str
    config: CollectionConfig
    table_key: str
    collection_id: uuid.UUID
    run_attributes: dict[str, dict[str, str]]
    full: bool
    cluster_candidates: tuple[str, ...]
    """Columns to cluster the table by (links first, then dashboard filters)."""


@dataclass(frozen=True)
class _Shared:
    """What every collection of one ingest shares: the store, the database, the runs
    recorded, who watches, and the content hashes computed so far."""

    store: TableStore
    url: str
    run_ids: dict[str, uuid.UUID]
    watcher: IngestProgress
    hashes: HashCache


def ingest_project(
    loaded: LoadedProject,
    settings: Settings,
    full: bool = False,
    progress: IngestProgress | None = None,
    queued: uuid.UUID | None = None,
) -> IngestReport:
    """Scan, parse, validate and write every new or changed file of the project.

    ``queued`` is an Ingestion already recorded (by the API, which answers before the work
    is done); otherwise one is recorded here."""
    started = time.perf_counter()
    watcher = progress or NoProgress()
    url = settings.resolved_database_url
    ensure_schema(url)
    config = loaded.config
    with session_scope(url) as session:
        project = register_project(session, loaded)
        _mark_interrupted(session, project)
        ingestion = session.get(Ingestion, queued) if queued else None
        if ingestion is None:
            ingestion = Ingestion(project_id=project.id, full=full)
            session.add(ingestion)
        ingestion.status = IngestionStatus.RUNNING
        ingestion.report = {"host": socket.gethostname(), "pid": os.getpid()}
        session.flush()
        project_id, ingestion_id = project.id, ingestion.id
        collection_ids = {c.name: (c.id, c.table_key) for c in project.collections}
    report = IngestReport(project=config.name, ingestion_id=str(ingestion_id), full=full)
    scan = scan_project(config, loaded.base_dir, settings)
    with session_scope(url) as session:
        project = session.get_one(Project, project_id)
        run_ids = {name: run.id for name, run in upsert_runs(session, project, scan.runs).items()}
    shared = _Shared(TableStore(settings), url, run_ids, watcher, {})
    filters = dashboard_filters(url, project_id)
    for name, collection_config in config.collections.items():
        collection_id, table_key = collection_ids[name]
        job = _Job(
            project_id,
            ingestion_id,
            name,
            collection_config,
            table_key,
            collection_id,
            scan.runs,
            full,
            cluster_candidates(config, name, filters),
        )
        if name in scan.errors:
            report.collections[name] = CollectionReport(name=name, error=scan.errors[name])
            watcher.finish(name, report.collections[name])
            continue
        update = _CollectionUpdate(job, shared, scan.sources[name])
        report.collections[name] = update.run(scan.files[name])
    report.finish(time.perf_counter() - started)
    with session_scope(url) as session:
        ingestion = session.get_one(Ingestion, ingestion.id)
        ingestion.status = report.status
        ingestion.finished_at = utcnow()
        ingestion.report = report.as_dict()
    return report


class _CollectionUpdate:
    """One collection's update, from its plan to its Delta commit and its metadata; the
    state its steps share (plan, table schema, staged files, report) lives here."""

    def __init__(self, job: _Job, shared: _Shared, source: Source) -> None:
        self.job, self.shared, self.source = job, shared, source
        self.report = CollectionReport(name=job.name)
        self.workers = max(2, os.cpu_count() or 2)
        self.plan = FilePlan()
        self.table_schema: pl.Schema | None = None
        self.staged: list[StagedFile] = []

    def run(self, found: list[FoundFile]) -> CollectionReport:
        job, shared, report = self.job, self.shared, self.report
        try:
            known = _known_files(shared.url, job.collection_id)
            self.plan = plan_files(found, known, self.source, job.full, self.workers, shared.hashes)
            report.files_skipped = self.plan.unchanged
            report.files_removed = len(self.plan.removed)
            shared.watcher.start(job.name, len(self.plan.to_read))
            if not (self.plan.to_read or self.plan.removed or self.plan.touched):
                self._report_unchanged()
                shared.watcher.finish(job.name, report)
                return report
            self.table_schema = None if job.full else shared.store.polars_schema(job.table_key)
            with tempfile.TemporaryDirectory(prefix="biovista-ingest-") as scratch:
                in_order = self._read_all(Path(scratch))
                version = self._commit(in_order)
            if version is not None:
                self._lay_out()
            self._record(version)
        except BiovistaError as exc:
            report.error = str(exc)
        shared.watcher.finish(job.name, report)
        return report

    def _report_unchanged(self) -> None:
        """Nothing to read, remove or re-stamp: report what the table already holds."""
        with session_scope(self.shared.url) as session:
            collection = session.get_one(Collection, self.job.collection_id)
            self.report.total_rows = collection.row_count
            self.report.version = collection.delta_version

    def _read_all(self, scratch: Path) -> bool:
        """Parse, presort and stage every file to read, in parallel; failures are collected,
        not raised. Answers whether the staged files, in their order, are sorted."""
        job, report, watcher = self.job, self.report, self.shared.watcher
        spans: dict[str, Span] = {}

        def read_one(item: tuple[int, tuple[FoundFile, str]]) -> StagedFile | FileFailure:
            index, (found, digest) = item
            try:
                frame = self._parse(found)
            except ParseError as exc:
                return FileFailure(found.path, exc.message, exc.line, exc.column)
            except OSError as exc:
                return FileFailure(found.path, f"cannot read the file: {exc.strerror or exc}")
            frame, span = presort(frame, job.cluster_candidates)
            if span is not None:
                spans[found.path] = span
            return stage(frame, found, digest, scratch, index)

        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for outcome in pool.map(read_one, enumerate(self.plan.to_read)):
                if isinstance(outcome, FileFailure):
                    report.failures.append(outcome)
                    watcher.advance(job.name, outcome.path)
                else:
                    self.staged.append(outcome)
                    watcher.advance(job.name, outcome.found.path)
        report.files_failed = len(report.failures)
        report.files_read = len(self.staged)
        report.rows_written = sum(s.rows for s in self.staged)
        return order_staged(self.staged, spans)

    def _parse(self, found: FoundFile) -> pl.DataFrame:
        config = self.job.config
        fmt = config.format or detect_format(found.path)
        if fmt is None:
            raise ParseError("cannot tell the file's format from its name; set 'format:'")
        parser = get_parser(fmt)
        declared = [n for n, spec in config.columns.items() if spec.type is not None]
        with self.source.local_path(found.path) as local:
            parsed = parser.read(local, config.options, text_columns=declared)
        attributes = self.job.run_attributes.get(found.run, {}) if found.run else {}
        return conform(parsed, config, self.table_schema, found.path, found.run, attributes)

    def _commit(self, in_order: bool) -> int | None:
        """One Delta commit for the whole collection; None when there was nothing to change.
        A commit that writes the whole table in key order records that it is clustered."""
        job, store, report, staged = self.job, self.shared.store, self.report, self.staged
        failed = [f.path for f in report.failures]
        replaced = [s.found.path for s in staged] + self.plan.removed
        if not replaced:
            return None
        if job.full:
            predicate = f"NOT ({_in_list(failed)})" if failed else None
        else:
            predicate = _in_list(replaced)
        new_table = self.table_schema is None and store.open(job.table_key) is None
        if new_table and not staged:
            return None
        whole = new_table or predicate is None
        metadata = sorted_on_write(job.cluster_candidates[0]) if in_order and whole else None
        schema = unified_schema(staged, self.table_schema)
        version = store.replace(
            job.table_key,
            arrow_schema(schema),
            batches(staged, schema),
            predicate,
            str(job.ingestion_id),
            metadata,
        )
        if metadata:
            report.layout = sorted_report(job.cluster_candidates[0], report.rows_written, version)
        return version

    def _lay_out(self) -> None:
        """Cluster or compact after the commit. The data is committed already, so a failure
        here is reported beside the collection's result, not as its error."""
        job, report = self.job, self.report
        try:
            arranged = arrange(self.shared.store, job.table_key, job.cluster_candidates)
            report.layout = arranged or report.layout
        except StorageError as exc:
            report.layout_error = str(exc)

    def _record(self, version: int | None) -> None:
        """Tell the metadata database what the table now holds (after the commit succeeded)."""
        job, report, run_ids = self.job, self.report, self.shared.run_ids
        with session_scope(self.shared.url) as session:
            collection = session.get_one(Collection, job.collection_id)
            by_path = {f.path: f for f in collection.files}
            for path in self._gone(by_path):
                session.delete(by_path.pop(path))
            for found in self.plan.touched:
                touched = by_path[found.path]
                touched.size, touched.mtime_ns = found.size, found.mtime_ns
                touched.etag = found.etag
            for item in self.staged:
                record = by_path.get(item.found.path)
                if record is None:
                    record = SourceFile(collection_id=collection.id, path=item.found.path)
                    session.add(record)
                    by_path[item.found.path] = record
                record.size, record.mtime_ns = item.found.size, item.found.mtime_ns
                record.etag = item.found.etag
                record.sha256, record.row_count = item.sha256, item.rows
                record.run_id = run_ids.get(item.found.run) if item.found.run else None
                record.ingested_at = utcnow()
                record.ingestion_id = job.ingestion_id
            session.flush()
            collection.row_count = sum(r.row_count for r in by_path.values())
            if version is not None:
                info = self.shared.store.info(job.table_key)
                # The latest version, after any layout commit: the query cache keys on it.
                collection.delta_version = info.version if info else version
                collection.columns = info.columns if info else []
            report.total_rows = collection.row_count
            report.version = collection.delta_version

    def _gone(self, recorded: dict[str, SourceFile]) -> list[str]:
        """Records whose rows are no longer in the table after this commit."""
        if not self.job.full:
            return [path for path in self.plan.removed if path in recorded]
        kept = {s.found.path for s in self.staged} | {f.path for f in self.report.failures}
        return [path for path in recorded if path not in kept]


def _known_files(url: str, collection_id: uuid.UUID) -> dict[str, KnownFile]:
    """What was recorded about each file, read as plain columns (thousands of rows)."""
    columns = (
        SourceFile.path,
        SourceFile.size,
        SourceFile.mtime_ns,
        SourceFile.etag,
        SourceFile.sha256,
    )
    with session_scope(url) as session:
        rows = session.execute(select(*columns).where(SourceFile.collection_id == collection_id))
        return {path: KnownFile(size, mtime, etag, sha) for path, size, mtime, etag, sha in rows}


def _in_list(paths: list[str]) -> str:
    quoted = ", ".join("'" + p.replace("'", "''") + "'" for p in paths)
    return f"{FILE_COLUMN} IN ({quoted})"


def _mark_interrupted(session: object, project: Project) -> None:
    """An ingestion still 'running' whose process on this host is gone was killed."""
    host = socket.gethostname()
    for ingestion in project.ingestions:
        if ingestion.status != IngestionStatus.RUNNING:
            continue
        pid = ingestion.report.get("pid")
        if ingestion.report.get("host") == host and isinstance(pid, int) and not _alive(pid):
            ingestion.status = IngestionStatus.INTERRUPTED
            ingestion.finished_at = utcnow()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
