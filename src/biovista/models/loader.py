"""Read a project file into a validated ProjectConfig, or report every problem at once.

Each problem names its YAML path and line, and a suggestion where one exists: unknown
keys and misspelt names get the closest valid one.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from biovista.errors import InvalidInputError, Problem
from biovista.models.project import ColumnType, ProjectConfig, cross_reference_problems
from biovista.models.yaml_lines import LineIndex, index_lines
from biovista.parsers import formats


@dataclass(frozen=True)
class LoadedProject:
    """A validated project file and where it came from (relative paths start there)."""

    config: ProjectConfig
    path: Path

    @property
    def base_dir(self) -> Path:
        return self.path.resolve().parent


@dataclass
class CheckedProject:
    """The outcome of checking a project file: the config when its structure is valid."""

    config: ProjectConfig | None
    problems: list[Problem]
    lines: LineIndex

    def line_of(self, where: str) -> int | None:
        """The line of a dotted YAML path (``collections.physical.files``)."""
        keys = tuple(int(p) if p.isdigit() else p for p in where.split(".")) if where else ()
        return self.lines.line_of(keys)


def load_project(path: Path) -> LoadedProject:
    """Parse and validate ``path``; raise InvalidInputError listing every problem."""
    checked = check_project(path)
    if checked.config is None or checked.problems:
        raise InvalidInputError(f"{path} is not a valid project file", checked.problems)
    return LoadedProject(checked.config, path)


def check_project(path: Path) -> CheckedProject:
    """Every problem of the file's content, each with its YAML path and line."""
    config, problems, lines = _check(path)
    return CheckedProject(config, problems, lines)


def _check(path: Path) -> tuple[ProjectConfig | None, list[Problem], LineIndex]:
    empty = LineIndex()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return None, [Problem(f"cannot read the file: {exc.strerror}", where=str(path))], empty
    except UnicodeDecodeError:
        return None, [Problem("the file is not UTF-8 text", where=str(path))], empty
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return None, [_syntax_problem(exc)], empty
    lines = index_lines(node)
    if data is None:
        message = "the file is empty; a project needs at least 'name' and 'collections'"
        return None, [Problem(message, line=1)], lines
    if not isinstance(data, dict):
        found = type(data).__name__
        return None, [Problem(f"expected keys at the top level, found a {found}", line=1)], lines
    problems = list(lines.duplicates)
    config: ProjectConfig | None = None
    try:
        config = ProjectConfig.model_validate(data)
    except ValidationError as exc:
        problems += [_structure_problem(error, lines) for error in exc.errors()]
    for problem in cross_reference_problems(data, formats()):
        keys = tuple(int(p) if p.isdigit() else p for p in problem.where.split("."))
        problems.append(
            Problem(
                problem.message, problem.where, lines.line_of(keys), suggestion=problem.suggestion
            )
        )
    problems.sort(key=lambda p: (p.line or 0, p.where))
    return config, problems, lines


def _syntax_problem(exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    reason = getattr(exc, "problem", None) or str(exc)
    if mark is None:
        return Problem(f"not valid YAML: {reason}")
    return Problem(f"not valid YAML: {reason}", line=mark.line + 1, column=mark.column + 1)


def _structure_problem(error: ErrorDetails, lines: LineIndex) -> Problem:
    loc = tuple(error["loc"])
    where = ".".join(map(str, loc))
    kind = error["type"]
    line = lines.line_of(loc)
    if kind == "missing":
        return Problem(f"missing required key {loc[-1]!r}", where, line)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(loc[:-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        suggestion = (
            f"did you mean {close[0]!r}?"
            if close
            else ("allowed keys: " + ", ".join(allowed) if allowed else None)
        )
        return Problem(f"unknown key {key!r}", where, line, suggestion=suggestion)
    if kind == "literal_error" and loc and loc[-1] == "type":
        value = error.get("input")
        close = difflib.get_close_matches(str(value), typing.get_args(ColumnType), n=1)
        suggestion = f"did you mean {close[0]!r}?" if close else None
        return Problem(
            f"unknown column type {value!r}; types: " + ", ".join(typing.get_args(ColumnType)),
            where,
            line,
            suggestion=suggestion,
        )
    if kind == "string_pattern_mismatch" and loc == ("name",):
        return Problem(
            "a project name starts with a letter or digit and contains only letters, digits, "
            "'.', '_' and '-'",
            where,
            line,
        )
    message = error["msg"].removeprefix("Value error, ")
    return Problem(message[0].lower() + message[1:], where, line)


def _allowed_keys(loc: tuple[int | str, ...]) -> list[str]:
    """The keys the model at ``loc`` accepts (aliases as written in files)."""
    current: Any = ProjectConfig
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [info.alias or name for name, info in current.model_fields.items()]
    return []


def _step(annotation: Any, part: int | str) -> Any:
    """The type found one level below ``annotation`` when following key or index ``part``."""
    annotation = _unwrap_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
        return None
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is dict and len(args) == 2:
        return args[1]
    if origin is list and args:
        return args[0]
    return None


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation
