"""The project file: where the runs live, which files form each collection, how they relate.

This is a user-facing, versioned format. Structural rules live in the pydantic models;
rules that relate one part of the file to another live in :func:`cross_reference_problems`,
so that every problem can be reported at once with its YAML path.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
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


def cross_reference_problems(data: Mapping[str, Any], formats: set[str]) -> list[Problem]:
    """Problems that span several parts of the file, each located by its YAML path.

    Works on the raw document, tolerating any shape, so these problems are reported
    together with structural ones rather than after they are fixed."""
    collections = data.get("collections")
    collections = collections if isinstance(collections, dict) else {}
    problems: list[Problem] = []
    for name, collection in collections.items():
        if isinstance(collection, dict):
            problems += _collection_problems(f"collections.{name}", collection, data, formats)
    links = data.get("links")
    for index, link in enumerate(links if isinstance(links, list) else []):
        if not isinstance(link, dict):
            continue
        for key in ("from", "to"):
            ref = link.get(key)
            if not isinstance(ref, str) or ref.count(".") != 1:
                continue
            collection_name = ref.split(".")[0]
            if collection_name not in collections:
                close = difflib.get_close_matches(collection_name, list(collections), n=1)
                problems.append(
                    Problem(
                        f"no collection named {collection_name!r}",
                        where=f"links.{index}.{key}",
                        suggestion=f"did you mean {close[0]!r}?"
                        if close
                        else "collections: " + ", ".join(collections),
                    )
                )
        if link.get("from") is not None and link.get("from") == link.get("to"):
            problems.append(Problem("a link joins two different columns", f"links.{index}"))
    return problems


def _collection_problems(
    where: str, collection: Mapping[str, Any], data: Mapping[str, Any], formats: set[str]
) -> list[Problem]:
    problems: list[Problem] = []
    if ("files" in collection) == ("path" in collection):
        problems.append(
            Problem(
                "give exactly one of 'files' (a regex over each run folder) or 'path' "
                "(a single file)",
                where=where,
            )
        )
    if "files" in collection and not isinstance(data.get("runs"), dict):
        problems.append(
            Problem(
                "'files' needs a 'runs' section that says where the run folders are",
                where=f"{where}.files",
            )
        )
    fmt = collection.get("format")
    if fmt is not None and fmt not in formats:
        close = difflib.get_close_matches(str(fmt), sorted(formats), n=1)
        problems.append(
            Problem(
                f"unknown format {fmt!r}",
                where=f"{where}.format",
                suggestion=f"did you mean {close[0]!r}?"
                if close
                else "formats: " + ", ".join(sorted(formats)),
            )
        )
    return problems
