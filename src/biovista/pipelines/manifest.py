"""A workflow's ``biovista-workflow.yaml``: which engine runs it, and the parameters it takes.

The parameters are the workflow's config schema: the web app draws them as a form, and
:meth:`Manifest.coerce` turns what a user typed (often strings) into typed values before an
execution starts, so a mistake is reported by name before any engine runs.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from biovista.errors import InvalidInputError, Problem
from biovista.models.project import IDENTIFIER, StrictModel
from biovista.models.yaml_lines import LineIndex
from biovista.models.yaml_problems import read_yaml, validated

MANIFEST_FILE = "biovista-workflow.yaml"
ENGINES = ("snakemake", "nextflow")
DEFAULT_ENTRY = {"snakemake": "Snakefile", "nextflow": "main.nf"}
PARAMETER_TYPES = ("str", "int", "float", "bool", "choice")
RESERVED_PARAMETERS = ("samples_sheet",)
"""Config keys biovista sets itself (the path of the sample sheet)."""
WORKFLOW_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")

Scalar = str | int | float | bool
TRUE_WORDS = ("true", "yes", "on", "1")
FALSE_WORDS = ("false", "no", "off", "0")


class Parameter(StrictModel):
    """One typed workflow parameter, with the default used when a user leaves it out."""

    name: str
    type: str = "str"
    choices: list[str | int | float] | None = Field(default=None, validate_default=True)
    default: Scalar | None = None
    description: str = ""
    required: bool = False

    @field_validator("name")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not re.match(IDENTIFIER, value):
            raise ValueError(
                f"{value!r} is not a parameter name: use letters, digits and '_', "
                "not starting with a digit (workflows read it as a config key)"
            )
        if value in RESERVED_PARAMETERS:
            raise ValueError(f"{value!r} is set by biovista itself; choose another name")
        return value

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in PARAMETER_TYPES:
            close = difflib.get_close_matches(value, PARAMETER_TYPES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ValueError(
                f"unknown parameter type {value!r}; types: {', '.join(PARAMETER_TYPES)}{hint}"
            )
        return value

    @field_validator("choices")
    @classmethod
    def _choices_fit_type(
        cls, value: list[str | int | float] | None, info: ValidationInfo
    ) -> list[str | int | float] | None:
        kind = info.data.get("type")
        if kind == "choice" and not value:
            raise ValueError("a 'choice' parameter needs a non-empty list of 'choices'")
        if kind != "choice" and value is not None:
            raise ValueError("'choices' is only for parameters of type 'choice'")
        return value

    @field_validator("default")
    @classmethod
    def _default_fits(cls, value: Scalar | None, info: ValidationInfo) -> Scalar | None:
        if value is None or "type" not in info.data:
            return value
        probe = Parameter.model_construct(
            name=info.data.get("name", "?"),
            type=info.data["type"],
            choices=info.data.get("choices"),
        )
        if probe.type == "choice" and probe.choices is None:
            return value  # already reported on 'choices'
        return probe.convert(value)

    @model_validator(mode="after")
    def _required_or_default(self) -> Parameter:
        if self.required and self.default is not None:
            raise ValueError(
                f"parameter {self.name!r} is required and has a default; keep one of the two"
            )
        return self

    def convert(self, value: Scalar) -> Scalar:
        """``value`` as this parameter's type; ValueError naming the parameter otherwise."""
        if self.type == "choice":
            for choice in self.choices or []:
                if str(choice) == str(value).strip():
                    return choice
            raise ValueError(
                f"parameter {self.name!r} must be one of "
                f"{', '.join(map(str, self.choices or []))}; got {value!r}"
            )
        converter: dict[str, Callable[[Scalar], Scalar]] = {
            "str": _to_str,
            "int": _to_int,
            "float": _to_float,
            "bool": _to_bool,
        }
        try:
            return converter[self.type](value)
        except ValueError as exc:
            raise ValueError(f"parameter {self.name!r} {exc}; got {value!r}") from None

    def as_dict(self) -> dict[str, Any]:
        """The parameter as the API and the web form show it."""
        return {
            "name": self.name,
            "type": self.type,
            "default": self.default,
            "description": self.description,
            "required": self.required,
            "choices": self.choices,
        }


class Manifest(StrictModel):
    """The ``biovista-workflow.yaml`` at the root of a workflow folder."""

    name: str
    engine: Literal["snakemake", "nextflow"]
    description: str = ""
    entry: str = ""
    """The Snakefile or main script, relative to the workflow folder (engine default)."""
    parameters: list[Parameter] = Field(default_factory=list)
    samples_sheet: str = "samples.csv"
    """The file name under which the execution's sample sheet is written into the workdir."""
    outputs: str = "results"
    """The folder inside the workdir whose files are ingested after a run."""
    project: str | None = None
    """A biovista project YAML (relative to the workflow folder) mapping outputs to collections."""

    @field_validator("name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not WORKFLOW_NAME.match(value) or len(value) > 100:
            raise ValueError(
                f"{value!r} is not a workflow name: use lowercase letters, digits and '-' "
                "(at most 100), e.g. 'penguin-summary'"
            )
        return value

    @field_validator("samples_sheet")
    @classmethod
    def _plain_file_name(cls, value: str) -> str:
        if not value or "/" in value or "\\" in value or value in (".", ".."):
            raise ValueError(f"{value!r} must be a plain file name such as 'samples.csv'")
        return value

    @field_validator("entry", "outputs", "project")
    @classmethod
    def _relative_inside(cls, value: str | None) -> str | None:
        if value:
            path = PurePosixPath(value)
            if path.is_absolute() or ".." in path.parts:
                raise ValueError(f"{value!r} must be a relative path inside the folder")
        return value

    @field_validator("parameters")
    @classmethod
    def _unique_names(cls, value: list[Parameter]) -> list[Parameter]:
        seen: set[str] = set()
        for parameter in value:
            if parameter.name in seen:
                raise ValueError(f"parameter {parameter.name!r} is declared twice")
            seen.add(parameter.name)
        return value

    @model_validator(mode="after")
    def _default_entry(self) -> Manifest:
        if not self.entry:
            self.entry = DEFAULT_ENTRY[self.engine]
        return self

    def parameter_schema(self) -> list[dict[str, Any]]:
        """Every parameter as a plain dict (name, type, default, description, required,
        choices), for the API and the web form."""
        return [parameter.as_dict() for parameter in self.parameters]

    def coerce(self, raw: Mapping[str, Scalar]) -> dict[str, Any]:
        """Typed values for every parameter: given ones converted, defaults filled in.

        Raises InvalidInputError listing each unknown name, missing required value and
        value that does not convert (or is not among the choices)."""
        known = {parameter.name: parameter for parameter in self.parameters}
        problems: list[Problem] = []
        for name in raw:
            if name not in known:
                close = difflib.get_close_matches(name, list(known), n=1)
                suggestion = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else ("parameters: " + ", ".join(known) if known else "it takes none")
                )
                problems.append(
                    Problem(f"unknown parameter {name!r}", where=name, suggestion=suggestion)
                )
        values: dict[str, Any] = {}
        for name, parameter in known.items():
            if name in raw and raw[name] is not None:
                try:
                    values[name] = parameter.convert(raw[name])
                except ValueError as exc:
                    problems.append(Problem(str(exc), where=name))
            elif parameter.default is not None:
                values[name] = parameter.default
            elif parameter.required:
                problems.append(Problem(f"parameter {name!r} is required", where=name))
        if problems:
            raise InvalidInputError(f"the parameters do not fit workflow {self.name!r}", problems)
        return values


def load_manifest(folder: Path) -> Manifest:
    """Read and check ``folder/biovista-workflow.yaml``, including that the entry script and
    project file it names exist; InvalidInputError lists every problem with its line."""
    path = folder / MANIFEST_FILE
    if not path.is_file():
        raise InvalidInputError(
            f"{folder} is not a biovista workflow",
            [
                Problem(
                    f"no {MANIFEST_FILE} in the folder",
                    where=str(folder),
                    suggestion="add one naming the engine, entry and parameters",
                )
            ],
        )
    manifest, problems, lines = _check(path)
    if manifest is not None:
        for key, value in (("entry", manifest.entry), ("project", manifest.project)):
            if value and not (folder / value).is_file():
                problems.append(
                    Problem(f"{value!r} is not a file in {folder}", key, lines.line_of((key,)))
                )
    if manifest is None or problems:
        raise InvalidInputError(f"{path} is not a valid workflow manifest", problems)
    return manifest


def _check(path: Path) -> tuple[Manifest | None, list[Problem], LineIndex]:
    data, lines, unreadable = read_yaml(path)
    if unreadable is not None:
        return None, [unreadable], lines
    if not isinstance(data, dict):
        found = "nothing" if data is None else f"a {type(data).__name__}"
        message = f"expected keys (name, engine, parameters, ...) at the top level, found {found}"
        return None, [Problem(message, line=1)], lines
    manifest, problems = validated(Manifest, data, lines)
    problems.sort(key=lambda p: (p.line or 0, p.where))
    return manifest, problems, lines


def _to_str(value: Scalar) -> str:
    if isinstance(value, bool):
        raise ValueError("must be text")
    return str(value)


def _to_int(value: Scalar) -> int:
    if isinstance(value, bool):
        raise ValueError("must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError("must be a whole number")
    try:
        return int(value.strip())
    except ValueError:
        raise ValueError("must be a whole number") from None


def _to_float(value: Scalar) -> float:
    if isinstance(value, bool):
        raise ValueError("must be a number")
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except ValueError:
        raise ValueError("must be a number") from None
    if not math.isfinite(number):
        raise ValueError("must be a finite number")
    return number


def _to_bool(value: Scalar) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("must be true or false")
