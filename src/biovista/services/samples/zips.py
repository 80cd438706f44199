"""Getting files out: one file by path, or many as a zip built by a background task.

A single file (uploaded, or left by an execution) is streamed after the same check as a
project's other data (viewers). A zip of samples or of an execution's outputs is a ``zip``
task: the request checks access and lists the files, the task writes
``data_dir/downloads/<task id>.zip`` under a temporary name and renames it when complete,
reporting progress per file, and whoever may view the project fetches it when done.
"""

from __future__ import annotations

import json
import time
import uuid
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.orm import Session

from biovista.auth.policy import Action, Principal, authorize_project
from biovista.config import Settings
from biovista.db.models import Execution, Project, Task
from biovista.errors import ConflictError, InvalidInputError, NotFoundError
from biovista.models.statuses import TASK_ACTIVE, TaskStatus
from biovista.services.samples import records as sample_service
from biovista.services.samples.uploads import check_path
from biovista.storage.sources import execution_outputs_folder, uploads_folder
from biovista.tasks import TaskContext, TaskRunner, enqueue

ZIP_TTL_SECONDS = 24 * 3600
"""Finished zips are deleted a day after they were made."""
STORED_SUFFIXES = frozenset(
    {".gz", ".bgz", ".bz2", ".xz", ".zst", ".zip", ".bam", ".cram", ".png", ".jpg", ".jpeg"}
)
"""Already compressed: stored as they are, deflating them would only cost time."""
MAX_FILES = 100_000


@dataclass(frozen=True)
class ZipReady:
    path: Path
    filename: str


def uploaded_file(
    session: Session, settings: Settings, principal: Principal, project_name: str, path: str
) -> Path:
    """A file of the project's uploads folder (viewers)."""
    authorize_project(session, principal, project_name, Action.VIEW)
    return _inside(uploads_folder(settings, project_name), check_path(path), path)


def output_file(
    session: Session,
    settings: Settings,
    principal: Principal,
    project_name: str,
    execution_id: uuid.UUID,
    path: str,
) -> Path:
    """A file an execution of the project left in its outputs folder (viewers)."""
    folder = _outputs(session, principal, settings, project_name, execution_id)
    return _inside(folder, path, path)


def start_zip(
    session: Session,
    settings: Settings,
    principal: Principal,
    project_name: str,
    runner: TaskRunner,
    samples: list[str] | Literal["all"] | None = None,
    execution_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Queue a zip of samples' files (``"all"`` for every sample) or of an execution's
    outputs (viewers); answers the task's id."""
    if (samples is None) == (execution_id is None):
        raise InvalidInputError("ask for exactly one of 'samples' and 'execution_id'")
    project = authorize_project(session, principal, project_name, Action.VIEW)
    if execution_id is not None:
        folder = _outputs(session, principal, settings, project_name, execution_id)
        entries = [
            (f"{execution_id}/{p.relative_to(folder).as_posix()}", str(p))
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.resolve().is_relative_to(folder.resolve())  # no symlink out
        ]
        params: dict[str, Any] = {"execution_id": str(execution_id)}
        filename = f"{project_name}-execution-{str(execution_id)[:8]}.zip"
    else:
        entries, sheet = _sample_entries(session, settings, principal, project, samples)
        params = {"samples": [row["name"] for row in sheet], "sheet": sheet}
        filename = f"{project_name}-samples.zip"
    if not entries:
        raise InvalidInputError("there is no file to put in the zip")
    if len(entries) > MAX_FILES:
        raise InvalidInputError(f"a zip holds at most {MAX_FILES} files; ask for fewer")
    clean_old_zips(settings)
    params |= {"project": project_name, "filename": filename, "entries": entries}
    session.commit()  # the task runs in another session and must not wait on this one
    return enqueue(
        settings, runner, "zip", params, project_id=project.id, created_by=str(principal.user_id)
    )


def zip_download(
    session: Session, settings: Settings, principal: Principal, task_id: uuid.UUID
) -> ZipReady:
    """The finished zip of a task (viewers of its project); 409 while it is being built."""
    task = session.get(Task, task_id)
    project = session.get(Project, task.project_id) if task and task.project_id else None
    if task is None or task.kind != "zip" or project is None:
        raise NotFoundError(f"no download {task_id}")
    try:
        authorize_project(session, principal, project.name, Action.VIEW)
    except NotFoundError:
        raise NotFoundError(f"no download {task_id}") from None
    if task.status in TASK_ACTIVE:
        done = f"{task.progress_done} of {task.progress_total} files" if task.progress_total else ""
        raise ConflictError(
            f"the zip is still being built ({task.status}{', ' if done else ''}"
            f"{done}); ask again shortly"
        )
    if task.status != TaskStatus.SUCCEEDED:
        raise ConflictError(f"the zip was not made ({task.status}: {task.error or 'no reason'})")
    path = zip_path(settings, task_id)
    if not path.is_file():
        raise NotFoundError(f"download {task_id} has expired; ask for a new one")
    return ZipReady(path, str(task.params.get("filename", f"{task_id}.zip")))


def zip_path(settings: Settings, task_id: uuid.UUID) -> Path:
    return settings.data_dir / "downloads" / f"{task_id}.zip"


def build_zip(context: TaskContext) -> dict[str, Any]:
    """Write the listed files into the task's zip, one progress event per file."""
    entries: list[list[str]] = context.params["entries"]
    target = zip_path(context.settings, context.task_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".zip.part")
    missing: list[str] = []
    size = 0
    try:
        with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
            if "sheet" in context.params:
                sheet = json.dumps(context.params["sheet"], indent=2)
                archive.writestr("samples.json", sheet, compress_type=zipfile.ZIP_DEFLATED)
            for done, (name, source) in enumerate(entries, start=1):
                context.check()
                path = Path(source)
                if path.is_file():
                    stored = path.suffix.lower() in STORED_SUFFIXES
                    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                    archive.write(path, name, compress_type=method, compresslevel=1)
                    size += path.stat().st_size
                else:
                    missing.append(name)
                    context.log(f"{name}: no longer on the server, left out")
                context.progress(done, len(entries), f"added {name}")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return {
        "files": len(entries) - len(missing),
        "missing": missing,
        "bytes": size,
        "zip_bytes": target.stat().st_size,
        "download": f"/api/v1/downloads/{context.task_id}",
    }


def clean_old_zips(settings: Settings, max_age: float = ZIP_TTL_SECONDS) -> int:
    """Delete zips (and leftovers of interrupted ones) older than ``max_age`` seconds."""
    folder = settings.data_dir / "downloads"
    if not folder.is_dir():
        return 0
    limit, removed = time.time() - max_age, 0
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _sample_entries(
    session: Session,
    settings: Settings,
    principal: Principal,
    project: Project,
    names: list[str] | Literal["all"] | None,
) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """(name in the zip, server path) of each file of the samples, and their sheet."""
    if names == "all":
        chosen = sample_service.list_samples(session, principal, project.name)
    else:
        if not names:
            raise InvalidInputError('name at least one sample, or ask for "all"')
        chosen = sample_service.find_samples(session, principal, project.name, names)
    folder = uploads_folder(settings, project.name)
    entries = [(f"{s.name}/{f.path}", str(folder / f.path)) for s in chosen for f in s.files]
    sheet = [
        {k: v for k, v in asdict(sample_service.sample_view(s)).items() if k != "created_at"}
        for s in chosen
    ]
    return entries, sheet


def _outputs(
    session: Session,
    principal: Principal,
    settings: Settings,
    project_name: str,
    execution_id: uuid.UUID,
) -> Path:
    project = authorize_project(session, principal, project_name, Action.VIEW)
    execution = session.get(Execution, execution_id)
    if execution is None or execution.project_id != project.id:
        raise NotFoundError(f"project {project_name!r} has no execution {execution_id}")
    folder = execution_outputs_folder(settings, project_name, str(execution_id))
    if not folder.is_dir():
        raise ConflictError(
            f"execution {execution_id} has no outputs yet (it is {execution.status})"
        )
    return folder


def _inside(folder: Path, relative: str, shown: str) -> Path:
    """The file at ``relative`` under ``folder``, never a path that leaves it."""
    root = folder.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise NotFoundError(f"no file {shown!r}")
    return target
