"""Write a proposed project as a commented YAML file, for a person to read and edit.

Written by hand rather than dumped: the comments teach the format, and one line per column
keeps a long file scannable. Every value is quoted so that ``load_project`` reads back
exactly the ProjectConfig it came from.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from biovista.models.project import CollectionConfig, ColumnSpec, ProjectConfig

_PLAIN = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_ .()/%+\-]*")

_HEADER = """\
# A project file proposed by `biovista init`. The guesses below come from the file names
# and a few sample files: check them, fill in descriptions, then run `biovista validate`.
"""
_RUNS = """
# Where the workflow's run folders are. `root` is relative to this file (or s3://...).
# `pattern` is a regular expression matched against each folder's path below `root`;
# its named groups, (?P<name>...), become columns of every row read from that run.
"""
_NO_RUNS = """
# No run folders were found: folders whose files repeat the same layout. Add a `runs`
# section (root and pattern) if your workflow writes one folder per run.
"""
_COLLECTIONS = """
# One table per collection. `files` is a regular expression over the path inside each run
# folder; without a '/' it matches the file name at any depth. `path` is one file outside
# the runs. `columns` were inferred from sample files: check the types, add a description
# or unit where it helps. `required: false` marks columns some sampled files lack.
"""
_LINKS = """
# Columns of one collection whose values select rows of another (proposed where the
# values of same-named identifier columns overlap).
"""
_NO_LINKS = """
# Columns of one collection whose values select rows of another, e.g.
#   - {from: samples.sample_id, to: counts.sample_id}
"""


def render_yaml(
    config: ProjectConfig,
    root_rel: str,
    notes: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The project file text. ``runs.root`` and every ``path`` in ``config`` are relative to
    the scanned folder; ``root_rel`` is that folder relative to where the file is written.
    ``notes`` adds comment lines above each collection."""
    lines = [_HEADER.rstrip("\n")]
    lines.append("version: 1")
    lines.append(f"name: {scalar(config.name)}")
    if config.description:
        lines.append(f"description: {scalar(config.description)}")
    if config.runs is None:
        lines.append(_NO_RUNS.rstrip("\n"))
    else:
        lines.append(_RUNS.rstrip("\n"))
        lines.append("runs:")
        lines.append(f"  root: {scalar(rebase(root_rel, config.runs.root))}")
        lines.append(f"  pattern: {quoted(config.runs.pattern)}")
    lines.append(_COLLECTIONS.rstrip("\n"))
    lines.append("collections:")
    for name, collection in config.collections.items():
        lines.extend(_collection(name, collection, root_rel, (notes or {}).get(name, ())))
    lines.append((_LINKS if config.links else _NO_LINKS).rstrip("\n"))
    if not config.links:
        lines.append("links: []")
    else:
        lines.append("links:")
        for link in config.links:
            lines.append(f"  - {{from: {scalar(link.source)}, to: {scalar(link.target)}}}")
    return "\n".join(lines) + "\n"


def _collection(
    name: str, collection: CollectionConfig, root_rel: str, notes: Sequence[str]
) -> list[str]:
    lines = [f"  {name}:"]
    lines.extend(f"    # {line}" for note in notes for line in note.splitlines())
    if collection.files is not None:
        lines.append(f"    files: {quoted(collection.files)}")
    if collection.path is not None:
        lines.append(f"    path: {scalar(rebase(root_rel, collection.path))}")
    if collection.format is not None:
        lines.append(f"    format: {scalar(collection.format)}")
    if collection.options:
        lines.append(f"    options: {_flow(collection.options)}")
    if collection.description:
        lines.append(f"    description: {scalar(collection.description)}")
    if collection.columns:
        lines.append("    columns:")
        for column, spec in collection.columns.items():
            lines.append(f"      {scalar(column)}: {_column(spec)}")
    return lines


def _column(spec: ColumnSpec) -> str:
    """Only what differs from the defaults, so each column fits on one line."""
    fields: dict[str, Any] = {}
    if spec.type is not None:
        fields["type"] = spec.type
    if spec.unit is not None:
        fields["unit"] = spec.unit
    if spec.description:
        fields["description"] = spec.description
    if not spec.required:
        fields["required"] = False
    return _flow(fields)


def _flow(mapping: Mapping[str, Any]) -> str:
    items = ", ".join(f"{scalar(key)}: {_value(value)}" for key, value in mapping.items())
    return "{" + items + "}"


def _value(value: Any) -> str:
    if isinstance(value, str):
        return scalar(value)
    if isinstance(value, Mapping):
        return _flow(value)
    return json.dumps(value)  # numbers, booleans, lists and null read back as YAML too


def scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when that reads back unchanged, else quoted."""
    if _PLAIN.fullmatch(text) and text == text.strip() and yaml.safe_load(text) == text:
        return text
    return quoted(text)


def quoted(text: str) -> str:
    """Single quotes keep a regex's backslashes as they are; JSON escapes the rest."""
    if text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text)


def rebase(root_rel: str, relative: str) -> str:
    """``relative`` (to the scanned folder) made relative to the project file instead."""
    if root_rel.startswith("s3://"):
        return root_rel.rstrip("/") + "/" + relative if relative != "." else root_rel
    return posixpath.normpath(posixpath.join(root_rel, relative))
