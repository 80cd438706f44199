"""The runs and source files of a project, and access to a file's bytes, behind the policy.

Only files recorded by an ingest can be fetched, by their recorded path: a request can
never name an arbitrary path on the server or in the bucket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import literal, select, tuple_
from sqlalchemy.orm import Session

from biovista.auth.policy import Action, Principal, authorize_project
from biovista.config import Settings
from biovista.db.models import Collection, Project, Run, SourceFile
from biovista.errors import NotFoundError
from biovista.models.project import ProjectConfig
from biovista.storage.base import Source
from biovista.storage.sources import LocalSource, open_source, project_files_folder

PRESIGNED_SECONDS = 300


@dataclass(frozen=True)
class FileView:
    collection: str
    path: str
    run: str | None
    size: int
    sha256: str
    rows: int
    ingested_at: datetime


@dataclass(frozen=True)
class FileAccess:
    """Either a local file to stream, or a short-lived URL to redirect to."""

    local: Path | None = None
    url: str | None = None


def list_runs(session: Session, principal: Principal, project_name: str) -> list[Run]:
    project = authorize_project(session, principal, project_name, Action.VIEW)
    return list(session.scalars(select(Run).where(Run.project_id == project.id).order_by(Run.name)))


def list_files(
    session: Session,
    principal: Principal,
    project_name: str,
    limit: int,
    after: tuple[str, str] | None = None,
) -> list[FileView]:
    """Ingested files by collection, then path (those after ``after``)."""
    project = authorize_project(session, principal, project_name, Action.VIEW)
    query = (
        select(Collection.name, SourceFile, Run.name)
        .join(SourceFile, SourceFile.collection_id == Collection.id)
        .outerjoin(Run, Run.id == SourceFile.run_id)
        .where(Collection.project_id == project.id)
        .order_by(Collection.name, SourceFile.path)
        .limit(limit)
    )
    if after is not None:
        query = query.where(tuple_(Collection.name, SourceFile.path) > tuple_(*map(literal, after)))
    rows = session.execute(query)
    return [
        FileView(name, f.path, run, f.size, f.sha256, f.row_count, f.ingested_at)
        for name, f, run in rows
    ]


def open_file(
    session: Session,
    settings: Settings,
    principal: Principal,
    project_name: str,
    collection_name: str,
    path: str,
) -> FileAccess:
    project = authorize_project(session, principal, project_name, Action.VIEW)
    record = session.scalar(
        select(SourceFile)
        .join(Collection, Collection.id == SourceFile.collection_id)
        .where(
            Collection.project_id == project.id,
            Collection.name == collection_name,
            SourceFile.path == path,
        )
    )
    if record is None:
        raise NotFoundError(f"collection {collection_name!r} has no file {path!r}")
    source = collection_source(settings, project, collection_name)
    if isinstance(source, LocalSource):
        local = (Path(source.root) / path).resolve()
        if not local.is_relative_to(Path(source.root).resolve()) or not local.is_file():
            raise NotFoundError(f"{path!r} is no longer on the server")
        return FileAccess(local=local)
    from biovista.storage.s3 import S3Source

    assert isinstance(source, S3Source)
    return FileAccess(url=source.presigned_url(path, PRESIGNED_SECONDS))


def collection_source(settings: Settings, project: Project, collection_name: str) -> Source:
    """Where a collection's files are read from: the runs root, or its single file's folder."""
    root = _source_root(project, collection_name)
    return open_source(root, _base_dir(settings, project), settings, project.name)


def _source_root(project: Project, collection_name: str) -> str:
    config = ProjectConfig.model_validate(project.config)
    collection = config.collections[collection_name]
    if collection.path is not None:
        return collection.path.rpartition("/")[0] or "."
    assert config.runs is not None
    return config.runs.root


def _base_dir(settings: Settings, project: Project) -> Path:
    """What the project file's relative paths are relative to: its own folder."""
    if project.source_path:
        return Path(project.source_path).parent
    return project_files_folder(settings)
