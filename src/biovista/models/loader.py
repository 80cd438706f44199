"""Read a project file into a validated ProjectConfig, or report every problem at once.

Each problem names its YAML path and line, and a suggestion where one exists: unknown
keys and misspelt names get the closest valid one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from biovista.errors import InvalidInputError, Problem
from biovista.models.project import ProjectConfig, cross_reference_problems
from biovista.models.yaml_lines import LineIndex
from biovista.models.yaml_problems import read_yaml, validated
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
    data, lines, unreadable = read_yaml(path)
    if unreadable is not None:
        return None, [unreadable], lines
    if data is None:
        message = "the file is empty; a project needs at least 'name' and 'collections'"
        return None, [Problem(message, line=1)], lines
    if not isinstance(data, dict):
        found = type(data).__name__
        return None, [Problem(f"expected keys at the top level, found a {found}", line=1)], lines
    config, problems = validated(ProjectConfig, data, lines)
    for problem in cross_reference_problems(data, formats()):
        keys = tuple(int(p) if p.isdigit() else p for p in problem.where.split("."))
        problems.append(
            Problem(
                problem.message, problem.where, lines.line_of(keys), suggestion=problem.suggestion
            )
        )
    problems.sort(key=lambda p: (p.line or 0, p.where))
    return config, problems, lines
