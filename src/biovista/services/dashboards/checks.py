"""Does a dashboard fit its project? Every collection and column it names must exist.

Checked on save and on import so that a typo is reported with its place in the file,
instead of surfacing later as a broken component."""

from __future__ import annotations

import difflib
from typing import Any

from biovista.db.models import Project
from biovista.errors import InvalidInputError, Problem
from biovista.models.dashboard import DashboardSpec
from biovista.query import ROW_COLUMN

COLUMN_FIELDS = ("x", "y", "z", "color", "facet", "values", "column", "label")
LIST_FIELDS = ("path", "hover", "columns")


def check_references(spec: DashboardSpec, project: Project, source: str = "spec") -> None:
    """Raise InvalidInputError listing every unknown collection or column, with its path."""
    schemas = {c.name: [col["name"] for col in c.columns] for c in project.collections}
    problems: list[Problem] = []
    for t, tab in enumerate(spec.tabs):
        for i, component in enumerate(tab.components):
            where = f"tabs.{t}.components.{i}"
            collection = getattr(component, "collection", None)
            if collection is None:
                continue
            if collection not in schemas:
                problems.append(_unknown("collection", collection, list(schemas), where))
                continue
            columns = schemas[collection]
            if not columns:
                continue  # not ingested yet: its columns are not known
            problems += _column_problems(component, columns, where)
    if problems:
        raise InvalidInputError(
            f"{source} names what project {project.name!r} does not have", problems
        )


def _column_problems(component: Any, columns: list[str], where: str) -> list[Problem]:
    known = [*columns, ROW_COLUMN]
    problems = []
    for field in COLUMN_FIELDS:
        value = getattr(component, field, None)
        if isinstance(value, str) and value not in known:
            problems.append(_unknown("column", value, columns, f"{where}.{field}"))
    for field in LIST_FIELDS:
        for n, value in enumerate(getattr(component, field, None) or []):
            if value not in known:
                problems.append(_unknown("column", value, columns, f"{where}.{field}.{n}"))
    return problems


def _unknown(what: str, name: str, known: list[str], where: str) -> Problem:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else f"{what}s: {', '.join(known)}"
    return Problem(f"unknown {what} {name!r}", where, suggestion=hint)
