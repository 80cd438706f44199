"""Projects and their collections in the metadata database: register, look up, describe."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from biovista.db.models import Collection, Project, Run
from biovista.errors import NotFoundError
from biovista.models.loader import LoadedProject, load_project


def register_project(session: Session, loaded: LoadedProject) -> Project:
    """Create the project named in the file, or update it to the file's current content."""
    config = loaded.config
    project = session.scalar(select(Project).where(Project.name == config.name))
    if project is None:
        project = Project(name=config.name, config={})
        session.add(project)
    project.description = config.description
    project.config = config.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    project.source_path = str(loaded.path.resolve())
    session.flush()
    existing = {c.name: c for c in project.collections}
    for name, collection_config in config.collections.items():
        collection = existing.get(name)
        if collection is None:
            collection = Collection(
                project_id=project.id, name=name, table_key=f"projects/{project.id}/{name}"
            )
            session.add(collection)
            project.collections.append(collection)
        collection.description = collection_config.description
        collection.format = collection_config.format
    session.flush()
    return project


def get_project(session: Session, name: str) -> Project:
    project = session.scalar(select(Project).where(Project.name == name))
    if project is None:
        known = session.scalars(select(Project.name).order_by(Project.name)).all()
        hint = f"; known projects: {', '.join(known)}" if known else "; none is registered yet"
        raise NotFoundError(f"no project named {name!r}{hint}")
    return project


def resolve_project_name(reference: str) -> str:
    """Accept a project name or the path of its project file (``biovista show p.yaml x``)."""
    path = Path(reference)
    if reference.endswith((".yaml", ".yml")) and path.is_file():
        return load_project(path).config.name
    return reference


def get_collection(session: Session, project: Project, name: str) -> Collection:
    for collection in project.collections:
        if collection.name == name:
            return collection
    known = ", ".join(c.name for c in project.collections)
    raise NotFoundError(f"project {project.name!r} has no collection {name!r}; it has: {known}")


def list_projects(session: Session) -> list[Project]:
    return list(session.scalars(select(Project).order_by(Project.name)))


@dataclass(frozen=True)
class CollectionSummary:
    name: str
    description: str
    format: str | None
    row_count: int
    file_count: int
    delta_version: int | None
    columns: list[Any]
    runs: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "format": self.format,
            "rows": self.row_count,
            "files": self.file_count,
            "version": self.delta_version,
            "columns": self.columns,
            "runs": self.runs,
        }


def summarize_collections(project: Project) -> list[CollectionSummary]:
    """What ``biovista collections`` shows: sizes, schema and the runs rows came from."""
    summaries = []
    for collection in project.collections:
        runs = sorted({f.run.name for f in collection.files if f.run is not None})
        summaries.append(
            CollectionSummary(
                name=collection.name,
                description=collection.description,
                format=collection.format,
                row_count=collection.row_count,
                file_count=len(collection.files),
                delta_version=collection.delta_version,
                columns=collection.columns,
                runs=runs,
            )
        )
    return summaries


def upsert_runs(
    session: Session, project: Project, runs: dict[str, dict[str, str]]
) -> dict[str, Run]:
    """Record every run folder seen; returns all of the project's runs by name."""
    by_name = {run.name: run for run in project.runs}
    for name, attributes in runs.items():
        run = by_name.get(name)
        if run is None:
            run = Run(project_id=project.id, name=name, attributes=attributes)
            session.add(run)
            project.runs.append(run)
            by_name[name] = run
        elif run.attributes != attributes:
            run.attributes = attributes
    session.flush()
    return by_name
