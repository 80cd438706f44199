"""Registering workflows: a folder on the server or a git repository, copied into the data
directory so that a later change at the source never alters what past executions ran.

Registering is for server admins: a workflow is code the server will run. The project
file shipped with the workflow (its manifest's ``project``) becomes the project its
outputs are ingested into; an existing project of that name is bound as it is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from biovista.auth.policy import Principal, project_role
from biovista.config import Settings
from biovista.db.models import Project, Workflow
from biovista.errors import InvalidInputError, NotFoundError
from biovista.pipelines.manifest import MANIFEST_FILE, Manifest, load_manifest
from biovista.services.projects.admin import create_project

GIT_TIMEOUT_SECONDS = 300
GIT_QUIET = {
    "GIT_TERMINAL_PROMPT": "0",  # never wait for a password nobody will type
    "GIT_SSH_COMMAND": "ssh -o BatchMode=yes -o ConnectTimeout=15",
}
GIT_PREFIXES = ("https://", "http://", "git@", "ssh://", "git://", "file://")


def workflows_folder(settings: Settings) -> Path:
    return settings.data_dir / "workflows"


def register_workflow(
    session: Session,
    settings: Settings,
    principal: Principal,
    source: str,
    revision: str | None = None,
) -> Workflow:
    """Copy the workflow in, read its manifest and bind its project. Registering the same
    name again makes a new copy for later executions; running ones keep theirs."""
    principal.require_admin()
    staging = Path(tempfile.mkdtemp(prefix=".workflow-", dir=_ensure(workflows_folder(settings))))
    try:
        commit = _fetch(source, revision, staging)
        manifest = load_manifest(staging)
        target = workflows_folder(settings) / manifest.name / uuid.uuid4().hex
        project = _bind_project(session, settings, principal, manifest, staging)
        workflow = session.scalar(select(Workflow).where(Workflow.name == manifest.name))
        if workflow is None:
            workflow = Workflow(name=manifest.name, created_by=str(principal.user_id))
            session.add(workflow)
        workflow.engine, workflow.source, workflow.revision = manifest.engine, source, commit
        workflow.description = manifest.description
        workflow.parameters = manifest.parameter_schema()
        workflow.manifest = manifest.model_dump(mode="json")
        workflow.project_id = project.id if project else None
        workflow.path = str(target)
        session.flush()
        target.parent.mkdir(parents=True, exist_ok=True)
        staging.replace(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return workflow


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _fetch(source: str, revision: str | None, into: Path) -> str | None:
    """Fill ``into`` with the workflow; answers the git commit when it came from git."""
    if source.startswith(GIT_PREFIXES) or source.endswith(".git"):
        return _clone(source, revision, into)
    folder = Path(source).expanduser()
    if not folder.is_absolute() or not folder.is_dir():
        raise InvalidInputError(
            f"workflow source {source!r} is not a folder on the server (give its absolute path)"
        )
    if not (folder / MANIFEST_FILE).is_file():
        raise InvalidInputError(f"{source}: no {MANIFEST_FILE} here, so this is no workflow")
    if revision:
        raise InvalidInputError("a revision can only be given for a git repository")
    load_manifest(folder)  # a broken manifest is reported before anything is copied
    shutil.copytree(folder, into, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".snakemake"))
    return None


def _clone(url: str, revision: str | None, into: Path) -> str:
    def git(*args: str, cwd: Path | None = None) -> str:
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=cwd,
                capture_output=True,
                text=True,
                timeout=GIT_TIMEOUT_SECONDS,
                check=True,
                env={**os.environ, **GIT_QUIET},
            )
        except FileNotFoundError:
            raise InvalidInputError("git is not installed on the server") from None
        except subprocess.TimeoutExpired:
            raise InvalidInputError(
                f"git {args[0]} of {url!r} took over {GIT_TIMEOUT_SECONDS} s"
            ) from None
        except subprocess.CalledProcessError as exc:
            last = (exc.stderr or "").strip().splitlines()[-1:] or ["(no message)"]
            raise InvalidInputError(f"git {args[0]} of {url!r} failed: {last[0]}") from None
        return done.stdout.strip()

    shutil.rmtree(into)
    shallow = [] if revision else ["--depth", "1"]
    git("clone", "--quiet", *shallow, url, str(into))
    if revision:
        git("checkout", "--quiet", revision, cwd=into)
    return git("rev-parse", "HEAD", cwd=into)


def _bind_project(
    session: Session, settings: Settings, principal: Principal, manifest: Manifest, folder: Path
) -> Project | None:
    if manifest.project is None:
        return None
    path = folder / manifest.project
    if not path.is_file():
        raise InvalidInputError(f"{manifest.name}: project file {manifest.project!r} is missing")
    text = path.read_text(encoding="utf-8")
    from biovista.models.loader import load_project

    name = load_project(path).config.name
    existing = session.scalar(select(Project).where(Project.name == name))
    return existing or create_project(session, settings, principal, text)


def list_workflows(session: Session, principal: Principal) -> list[Workflow]:
    """Workflows of projects the caller can see, and those bound to no project."""
    found = session.scalars(select(Workflow).order_by(Workflow.name)).all()
    return [w for w in found if _visible(session, principal, w)]


def get_workflow(session: Session, principal: Principal, name: str) -> Workflow:
    workflow = session.scalar(select(Workflow).where(Workflow.name == name))
    if workflow is None or not _visible(session, principal, workflow):
        raise NotFoundError(f"no workflow named {name!r}")
    return workflow


def _visible(session: Session, principal: Principal, workflow: Workflow) -> bool:
    if workflow.project_id is None:
        return True
    return project_role(session, principal, workflow.project_id) is not None


def manifest_of(workflow: Workflow) -> Manifest:
    return Manifest.model_validate(workflow.manifest)
