"""Read a project file from disk into a validated ProjectConfig (minimal; being extended)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from biovista.errors import InvalidInputError, Problem
from biovista.models.project import ProjectConfig, cross_reference_problems
from biovista.parsers import formats


@dataclass(frozen=True)
class LoadedProject:
    """A validated project file and where it came from (relative paths start there)."""

    config: ProjectConfig
    path: Path

    @property
    def base_dir(self) -> Path:
        return self.path.resolve().parent


def load_project(path: Path) -> LoadedProject:
    """Parse and validate ``path``; raise InvalidInputError listing every problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInputError(f"cannot read {path}: {exc.strerror}") from None
    try:
        config = ProjectConfig.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(e["msg"], where=".".join(str(p) for p in e["loc"])) for e in exc.errors()
        ]
        raise InvalidInputError(f"{path} is not a valid project file", problems) from None
    problems = cross_reference_problems(config, formats())
    if problems:
        raise InvalidInputError(f"{path} is not a valid project file", problems)
    return LoadedProject(config, path)
