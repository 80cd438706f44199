"""Pydantic and YAML errors as Problems: YAML path, line, and the closest valid key.

Shared by every user-facing file format (project files, dashboard files)."""

from __future__ import annotations

import difflib
import re
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from biovista.errors import Problem
from biovista.models.project import ColumnType
from biovista.models.yaml_lines import LineIndex
from biovista.models.yaml_safe import MAX_DOCUMENT_BYTES, YamlRefusedError, load_yaml

Model = TypeVar("Model", bound=BaseModel)


def read_yaml(path: Path) -> tuple[Any, LineIndex, Problem | None]:
    """The file's data and the line of each key, or the problem that stopped reading it
    (unreadable, too large, not UTF-8, not YAML, or YAML past the safe reader's caps)."""
    empty = LineIndex()
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:  # refused before it is read into memory
            message = f"the file is {size:,} bytes; at most {MAX_DOCUMENT_BYTES:,} are read"
            return None, empty, Problem(message, where=str(path))
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return None, empty, Problem(f"cannot read the file: {exc.strerror}", where=str(path))
    except UnicodeDecodeError:
        return None, empty, Problem("the file is not UTF-8 text", where=str(path))
    try:
        data, lines = load_yaml(text)
    except YamlRefusedError as exc:
        return None, empty, exc.problem
    return data, lines, None


def validated(
    model: type[Model], data: dict[str, Any], lines: LineIndex
) -> tuple[Model | None, list[Problem]]:
    """The model, or None; with every problem found: duplicate keys and each field error,
    located by its YAML path and line."""
    problems = list(lines.duplicates)
    try:
        return model.model_validate(data), problems
    except ValidationError as exc:
        return None, problems + [structure_problem(e, lines, model) for e in exc.errors()]


def structure_problem(error: ErrorDetails, lines: LineIndex, root: type[BaseModel]) -> Problem:
    """One pydantic error as a Problem at its YAML path and line."""
    tagged = tuple(error["loc"])
    loc = _without_tags(tagged, root)
    where = ".".join(map(str, loc))
    kind = error["type"]
    line = lines.line_of(loc)
    if kind == "missing":
        return Problem(f"missing required key {loc[-1]!r}", where, line)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(tagged[:-1], root)
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
    if kind in ("literal_error", "union_tag_invalid"):
        return _choice_problem(error, where, line)
    if kind == "string_pattern_mismatch" and loc == ("name",):
        return Problem(
            "a project name starts with a letter or digit and contains only letters, digits, "
            "'.', '_' and '-'",
            where,
            line,
        )
    message = error["msg"].removeprefix("Value error, ")
    return Problem(message[0].lower() + message[1:], where, line)


def _choice_problem(error: ErrorDetails, where: str, line: int | None) -> Problem:
    """A value outside a fixed set: name the set and the closest member."""
    context = error.get("ctx") or {}
    choices = re.findall(r"'([^']*)'", str(context.get("expected_tags") or context.get("expected")))
    value = str(context.get("tag", error.get("input")))
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return Problem(
        f"unknown value {value!r}; one of: {', '.join(choices)}",
        where,
        line,
        suggestion=f"did you mean {close[0]!r}?" if close else None,
    )


def _allowed_keys(loc: tuple[int | str, ...], root: type[BaseModel]) -> list[str]:
    """The keys the model at ``loc`` accepts (aliases as written in files)."""
    current: Any = root
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
    tagged = _tagged_member(annotation, part)
    if tagged is not None:
        return tagged
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


def _without_tags(loc: tuple[int | str, ...], root: type[BaseModel]) -> tuple[int | str, ...]:
    """Drop the tag pydantic puts in the path of a discriminated union's member.

    ``tabs.0.components.1.figure.kind`` is ``tabs.0.components.1.kind`` in the file."""
    kept: list[int | str] = []
    current: Any = root
    for part in loc:
        member = _tagged_member(current, part)
        if member is not None:
            current = member
            continue
        kept.append(part)
        current = _step(current, part) if current is not None else None
    return tuple(kept)


def _tagged_member(annotation: Any, part: int | str) -> Any:
    members = _union_members(annotation)
    for member in members:
        field = getattr(member, "model_fields", {}).get("type")
        if field is not None and field.default == part:
            return member
    return None


def _union_members(annotation: Any) -> tuple[Any, ...]:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return ()


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation
