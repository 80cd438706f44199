"""Creating and deleting projects through the API, with the policy's checks."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from biovista.auth.policy import Action, Principal, authorize_project
from biovista.config import Settings
from biovista.db.models import Project, User
from biovista.errors import ConflictError, InvalidInputError
from biovista.models.loader import LoadedProject, check_project
from biovista.models.project import ProjectConfig
from biovista.services.accounts.grants import make_owner
from biovista.services.projects.catalog import register_project
from biovista.storage.sources import project_files_folder
from biovista.storage.tables import TableStore


def create_project(
    session: Session, settings: Settings, principal: Principal, text: str
) -> Project:
    """Register a project from the text of its project file (admins only: a project file
    names folders on the server, which only its administrators may expose).

    The file is kept as ``<data dir>/projects/<name>.yaml``, the base of its relative
    paths; nothing is written when it is invalid."""
    principal.require_admin()
    folder = project_files_folder(settings)
    folder.mkdir(parents=True, exist_ok=True)
    draft = folder / f".upload-{uuid.uuid4().hex}.yaml"
    draft.write_text(text, encoding="utf-8")
    try:
        checked = check_project(draft)
        if checked.config is None or checked.problems:
            raise InvalidInputError("the project file is not valid", checked.problems)
        name = checked.config.name
        if session.scalar(select(Project).where(Project.name == name)) is not None:
            raise ConflictError(f"a project named {name!r} already exists")
        target = folder / f"{_safe(name)}.yaml"
        draft.replace(target)
    finally:
        draft.unlink(missing_ok=True)
    project = register_project(session, LoadedProject(checked.config, target))
    if session.get(User, principal.user_id) is not None:  # the demo's local admin is no user
        make_owner(session, project, principal.user_id)
    session.flush()
    return project


def update_project(
    session: Session, settings: Settings, principal: Principal, name: str, text: str
) -> Project:
    """Replace a project's file (editors); pointing it at other server locations, or
    renaming it, needs a server admin, as creating one does."""
    project = authorize_project(session, principal, name, Action.EDIT)
    folder = project_files_folder(settings)
    draft = folder / f".upload-{uuid.uuid4().hex}.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    draft.write_text(text, encoding="utf-8")
    try:
        checked = check_project(draft)
        if checked.config is None or checked.problems:
            raise InvalidInputError("the project file is not valid", checked.problems)
        if checked.config.name != name:
            raise InvalidInputError(f"the file names project {checked.config.name!r}, not {name!r}")
        if _locations(checked.config) != _locations(ProjectConfig.model_validate(project.config)):
            principal.require_admin()
        target = (
            Path(project.source_path) if project.source_path else folder / f"{_safe(name)}.yaml"
        )
        draft.replace(target)
    finally:
        draft.unlink(missing_ok=True)
    return register_project(session, LoadedProject(checked.config, target))


def _locations(config: ProjectConfig) -> set[str]:
    """Where on the server (or in which bucket) a project file reads data."""
    found = {f"runs:{config.runs.root}"} if config.runs else set()
    return found | {f"path:{c.path}" for c in config.collections.values() if c.path}


def delete_project(session: Session, settings: Settings, principal: Principal, name: str) -> None:
    """Delete a project, its metadata and its tables (owners only)."""
    project = authorize_project(session, principal, name, Action.MANAGE)
    prefix = f"projects/{project.id}"
    session.delete(project)
    session.flush()
    TableStore(settings).drop(prefix)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)
