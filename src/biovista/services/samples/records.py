"""Samples of a project: a name, a type, metadata checked against the type, and files.

Editors create, change and delete samples (one at a time, or many from a CSV sample sheet,
all or nothing); viewers read them. ``sample_sheet`` gives what a workflow receives: each
sample's metadata and the server paths of its files.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from biovista.auth.policy import Action, Principal, authorize_project
from biovista.config import Settings
from biovista.db.models import Project, Sample, SampleFile, SampleType
from biovista.errors import ConflictError, InvalidInputError, NotFoundError, Problem
from biovista.services.samples.types import (
    check_values,
    clean_values,
    get_sample_type,
    list_sample_types,
    value_problems,
)
from biovista.storage.sources import uploads_folder

SAMPLE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
SHEET_COLUMNS = ("name", "type")
MAX_SHEET_ROWS = 100_000


def check_sample_name(name: str) -> str:
    """Names become folder names in zips and workflow sample sheets: keep them plain."""
    if not SAMPLE_NAME.match(name):
        raise InvalidInputError(
            f"sample name {name!r}: up to 200 letters, digits, '.', '_' and '-', "
            "starting with a letter or digit"
        )
    return name


def list_samples(session: Session, principal: Principal, project_name: str) -> list[Sample]:
    """The project's samples, by name (viewers)."""
    project = authorize_project(session, principal, project_name, Action.VIEW)
    return list(
        session.scalars(select(Sample).where(Sample.project_id == project.id).order_by(Sample.name))
    )


def get_sample(session: Session, principal: Principal, project_name: str, name: str) -> Sample:
    project = authorize_project(session, principal, project_name, Action.VIEW)
    return _sample(session, project, name)


def find_samples(
    session: Session, principal: Principal, project_name: str, names: Sequence[str]
) -> list[Sample]:
    """The named samples in the order given; every unknown name is reported at once."""
    project = authorize_project(session, principal, project_name, Action.VIEW)
    found = {
        s.name: s
        for s in session.scalars(
            select(Sample).where(Sample.project_id == project.id, Sample.name.in_(names))
        )
    }
    missing = [n for n in names if n not in found]
    if missing:
        raise NotFoundError(
            f"project {project_name!r} has no sample(s) {', '.join(map(repr, missing))}"
        )
    return [found[n] for n in names]


def create_sample(
    session: Session,
    principal: Principal,
    project_name: str,
    name: str,
    type_name: str,
    attributes: Mapping[str, Any] | None = None,
) -> Sample:
    """A new sample (editors); its attributes must fit its type."""
    project = authorize_project(session, principal, project_name, Action.EDIT)
    check_sample_name(name)
    if _find(session, project, name) is not None:
        raise ConflictError(f"project {project_name!r} already has a sample named {name!r}")
    sample_type = get_sample_type(session, type_name)
    values = clean_values(attributes or {})
    check_values(name, sample_type, values)
    sample = Sample(
        project_id=project.id,
        type_id=sample_type.id,
        name=name,
        attributes=values,
        created_by=str(principal.user_id),
    )
    sample.sample_type = sample_type
    session.add(sample)
    session.flush()
    return sample


def update_sample(
    session: Session,
    principal: Principal,
    project_name: str,
    name: str,
    type_name: str | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> Sample:
    """Change a sample's type and/or replace its attributes (editors); checked as new."""
    project = authorize_project(session, principal, project_name, Action.EDIT)
    sample = _sample(session, project, name)
    sample_type = get_sample_type(session, type_name) if type_name else sample.sample_type
    values = clean_values(attributes) if attributes is not None else dict(sample.attributes)
    check_values(name, sample_type, values)
    sample.sample_type, sample.attributes = sample_type, values
    session.flush()
    return sample


def delete_sample(session: Session, principal: Principal, project_name: str, name: str) -> None:
    """Forget a sample (editors); its uploaded files stay in the project's upload folder."""
    project = authorize_project(session, principal, project_name, Action.EDIT)
    session.delete(_sample(session, project, name))
    session.flush()


def attach_file(session: Session, sample: Sample, path: str, size: int, sha256: str) -> SampleFile:
    """Record an uploaded file (relative to the uploads folder) as one of a sample's files."""
    existing = next((f for f in sample.files if f.path == path), None)
    if existing is None:
        existing = SampleFile(path=path, size=size, sha256=sha256)
        sample.files.append(existing)
    existing.size, existing.sha256 = size, sha256
    session.flush()
    return existing


@dataclass
class SheetResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def import_sheet(
    session: Session, principal: Principal, project_name: str, text: str
) -> SheetResult:
    """Create or update many samples from CSV (``name,type,<attributes...>``), all or none.

    A blank cell is no value. Each problem names its line and column, and the sample and
    attribute it concerns; nothing is written unless every row is valid."""
    project = authorize_project(session, principal, project_name, Action.EDIT)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), restkey="\x00extra")
    header = [h.strip() for h in reader.fieldnames or []]
    problems = _header_problems(header)
    if problems:
        raise InvalidInputError("the sample sheet's header is not valid", problems)
    reader.fieldnames = header
    types = {t.name: t for t in list_sample_types(session)}
    rows: list[tuple[str, SampleType, dict[str, Any]]] = []
    lines: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if len(rows) >= MAX_SHEET_ROWS:
            raise InvalidInputError(f"a sample sheet has at most {MAX_SHEET_ROWS} rows")
        parsed = _sheet_row(row, line, types, lines, problems)
        if parsed is not None:
            rows.append(parsed)
    if problems:
        raise InvalidInputError(f"the sample sheet has {len(problems)} problem(s)", problems)
    existing = {
        s.name: s
        for s in session.scalars(
            select(Sample).where(
                Sample.project_id == project.id, Sample.name.in_([r[0] for r in rows])
            )
        )
    }
    result = SheetResult()
    for name, sample_type, values in rows:
        sample = existing.get(name)
        if sample is None:
            sample = Sample(project_id=project.id, name=name, created_by=str(principal.user_id))
            session.add(sample)
            result.created.append(name)
        else:
            result.updated.append(name)
        sample.sample_type, sample.attributes = sample_type, values
    session.flush()
    return result


def _header_problems(header: list[str]) -> list[Problem]:
    if not header:
        return [Problem("the sheet is empty; its first line names the columns", "sheet", 1)]
    problems = [
        Problem(f"the first line must have a column {c!r}", "sheet", 1)
        for c in SHEET_COLUMNS
        if c not in header
    ]
    problems.extend(
        Problem(f"column {h!r} appears twice", h, 1)
        for i, h in enumerate(header)
        if h in header[:i]
    )
    problems.extend(
        Problem(f"column {i + 1} has no name", "sheet", 1) for i, h in enumerate(header) if not h
    )
    return problems


def _sheet_row(
    row: dict[str, Any],
    line: int,
    types: dict[str, SampleType],
    lines: dict[str, int],
    problems: list[Problem],
) -> tuple[str, SampleType, dict[str, Any]] | None:
    """One row's sample, or None with its problems added (line and column of each)."""
    if row.get("\x00extra"):
        problems.append(Problem("more cells than the header has columns", "sheet", line))
        return None
    name = (row.get("name") or "").strip()
    type_name = (row.get("type") or "").strip()
    count = len(problems)
    if not name:
        problems.append(Problem("no sample name", "name", line))
    elif not SAMPLE_NAME.match(name):
        problems.append(
            Problem(
                f"sample name {name!r} is not valid: up to 200 letters, digits, '.', '_' and '-'",
                "name",
                line,
            )
        )
    elif name in lines:
        problems.append(Problem(f"sample {name!r} is already on line {lines[name]}", "name", line))
    sample_type = types.get(type_name)
    if sample_type is None:
        known = ", ".join(types) or "none defined yet"
        what = f"unknown sample type {type_name!r}" if type_name else "no sample type"
        problems.append(Problem(f"{what} (types: {known})", "type", line))
    if len(problems) > count or sample_type is None:
        return None
    lines[name] = line
    values = clean_values({k: v for k, v in row.items() if k not in SHEET_COLUMNS})
    problems.extend(
        Problem(message, attribute, line)
        for attribute, message in value_problems(
            name, sample_type.name, sample_type.attributes, values
        )
    )
    return name, sample_type, values


def sample_sheet(settings: Settings, samples: Sequence[Sample]) -> list[dict[str, Any]]:
    """What a workflow receives per sample: name, type, attributes, absolute file paths."""
    folders: dict[Any, Any] = {}
    sheet = []
    for sample in samples:
        if sample.project_id not in folders:
            session = object_session(sample)
            assert session is not None, "samples must come from an open session"
            project = session.get_one(Project, sample.project_id)
            folders[sample.project_id] = uploads_folder(settings, project.name).resolve()
        folder = folders[sample.project_id]
        sheet.append(
            {
                "name": sample.name,
                "type": sample.sample_type.name,
                "attributes": dict(sample.attributes),
                "files": [str(folder / f.path) for f in sample.files],
            }
        )
    return sheet


@dataclass(frozen=True)
class SampleFileView:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class SampleView:
    """A sample as callers see it: read while its database session is open, so it can be
    used after the session ends (the ORM row's type and files are lazy relationships)."""

    name: str
    type: str
    attributes: dict[str, Any]
    files: list[SampleFileView]
    created_at: datetime


def sample_view(sample: Sample) -> SampleView:
    return SampleView(
        name=sample.name,
        type=sample.sample_type.name,
        attributes=sample.attributes,
        files=[SampleFileView(f.path, f.size, f.sha256) for f in sample.files],
        created_at=sample.created_at,
    )


def _find(session: Session, project: Project, name: str) -> Sample | None:
    return session.scalar(
        select(Sample).where(Sample.project_id == project.id, Sample.name == name)
    )


def _sample(session: Session, project: Project, name: str) -> Sample:
    found = _find(session, project, name)
    if found is None:
        raise NotFoundError(f"project {project.name!r} has no sample named {name!r}")
    return found
