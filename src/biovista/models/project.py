"""The project file: where the runs live, which files form each collection, how they relate.

This is a user-facing, versioned format. Structural rules live in the pydantic models;
rules that relate one part of the file to another live in :func:`cross_reference_problems`,
so that every problem can be reported at once with its YAML path.
"""

from __future__ import annotations

import re
from typing import Any, Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, field_validator

from biovista.errors import Problem

ColumnType = Literal["str", "int", "float", "bool", "date", "datetime"]

POLARS_TYPES: dict[str, pl.DataType] = {
    "str": pl.String(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "bool": pl.Boolean(),
    "date": pl.Date(),
    "datetime": pl.Datetime("us"),
}

IDENTIFIER = r"^[A-Za-z_][A-Za-z0-9_]*$"
PROJECT_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"

RUN_COLUMN = "_run"
"""Column added to every row: the run folder (relative to the runs root) it came from."""
FILE_COLUMN = "_file"
"""Column added to every row: the source file (relative to the runs root) it came from."""
RESERVED_COLUMNS = (RUN_COLUMN, FILE_COLUMN)


class StrictModel(BaseModel):
    """Unknown keys are errors: a typo must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _check_regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression: {exc}") from None
    return value


class ColumnSpec(StrictModel):
    """What we know about one column beyond what the file says."""

    type: ColumnType | None = None
    description: str = ""
    unit: str | None = None
    required: bool = True
    """A required column missing from a file makes that file fail."""


class RunsConfig(StrictModel):
    """Where the workflow's run folders are and how to recognise them."""

    root: str = Field(description="A folder (relative to the project file) or s3://bucket/prefix")
    pattern: str = Field(
        default=".+",
        description="Regex matched against each folder's path below root; named groups "
        "become columns of every row from that run",
    )

    _check_pattern = field_validator("pattern")(_check_regex)


class CollectionConfig(StrictModel):
    """One table: the same kind of file found in every run, or one file on its own."""

    files: str | None = Field(
        default=None,
        description="Regex over the path relative to the run folder (full match; a pattern "
        "without '/' is matched against the file name at any depth)",
    )
    path: str | None = Field(
        default=None, description="One file outside the runs, e.g. a sample sheet"
    )
    format: str | None = Field(default=None, description="Parser name; inferred when absent")
    description: str = ""
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict, description="Parser options")

    @field_validator("files")
    @classmethod
    def _valid_files(cls, value: str | None) -> str | None:
        return None if value is None else _check_regex(value)

    @field_validator("columns")
    @classmethod
    def _no_reserved_columns(cls, value: dict[str, ColumnSpec]) -> dict[str, ColumnSpec]:
        for name in value:
            if name in RESERVED_COLUMNS:
                raise ValueError(f"column name {name!r} is reserved for biovista's own use")
        return value


class LinkConfig(StrictModel):
    """A column of one collection whose values select rows of another."""

    source: str = Field(alias="from", description="collection.column")
    target: str = Field(alias="to", description="collection.column")
    description: str = ""

    @field_validator("source", "target")
    @classmethod
    def _dotted(cls, value: str) -> str:
        if value.count(".") != 1 or not all(value.split(".")):
            raise ValueError(f"expected 'collection.column', got {value!r}")
        return value


class ProjectConfig(StrictModel):
    """A whole project file."""

    version: Literal[1] = 1
    name: str = Field(pattern=PROJECT_NAME, max_length=100)
    description: str = ""
    runs: RunsConfig | None = None
    collections: dict[str, CollectionConfig] = Field(min_length=1)
    links: list[LinkConfig] = Field(default_factory=list)

    @field_validator("collections")
    @classmethod
    def _collection_names(cls, value: dict[str, CollectionConfig]) -> dict[str, CollectionConfig]:
        for name in value:
            if not re.match(IDENTIFIER, name):
                raise ValueError(
                    f"collection name {name!r} must start with a letter or '_' and contain "
                    "only letters, digits and '_'"
                )
        return value

    def run_columns(self) -> list[str]:
        """Columns contributed by the named groups of the run pattern."""
        if self.runs is None:
            return []
        return list(re.compile(self.runs.pattern).groupindex)


def cross_reference_problems(config: ProjectConfig, formats: set[str]) -> list[Problem]:
    """Problems that span several parts of the file (each located by its YAML path)."""
    problems: list[Problem] = []
    for name, collection in config.collections.items():
        where = f"collections.{name}"
        if (collection.files is None) == (collection.path is None):
            problems.append(
                Problem(
                    "give exactly one of 'files' (a regex over each run folder) or 'path' "
                    "(a single file)",
                    where=where,
                )
            )
        if collection.files is not None and config.runs is None:
            problems.append(
                Problem(
                    "'files' needs a 'runs' section that says where the run folders are",
                    where=f"{where}.files",
                )
            )
        if collection.format is not None and collection.format not in formats:
            problems.append(
                Problem(
                    f"unknown format {collection.format!r}",
                    where=f"{where}.format",
                    suggestion="one of " + ", ".join(sorted(formats)),
                )
            )
    for index, link in enumerate(config.links):
        for key, ref in (("from", link.source), ("to", link.target)):
            collection_name = ref.split(".")[0]
            target = config.collections.get(collection_name)
            if target is None:
                problems.append(
                    Problem(
                        f"no collection named {collection_name!r}",
                        where=f"links.{index}.{key}",
                        suggestion="collections: " + ", ".join(config.collections),
                    )
                )
    return problems
