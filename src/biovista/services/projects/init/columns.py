"""Read a few files of each proposed collection to guess its columns and how collections link.

Only a sample is read: ``biovista init`` must stay quick on large outputs, and the user
reviews the guesses before anything is ingested.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from biovista.models.project import RESERVED_COLUMNS, ColumnSpec, ColumnType, LinkConfig
from biovista.parsers import ParseError, get_parser

MAX_COLUMNS = 30
"""Columns listed per collection; the rest are still ingested, just not described."""
ID_DISTINCT_RATIO = 0.9
"""An identifier has (nearly) one row per value on at least one side of a link."""
MIN_OVERLAP = 0.5
"""Share of the smaller set of values that must also appear on the other side."""

_UNITS = {
    "mm": "mm",
    "cm": "cm",
    "g": "g",
    "kg": "kg",
    "mg": "mg",
    "ml": "mL",
    "bp": "bp",
    "pct": "%",
    "percent": "%",
}
"""Unit suffixes common enough in column names to propose (``body_mass_g``)."""


@dataclass
class Sample:
    """What the files read from one collection showed."""

    frames: list[pl.DataFrame] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def read_sample(root: Path, fmt: str, options: Mapping[str, Any], paths: Sequence[str]) -> Sample:
    """Parse each file; a file that fails is noted, not fatal: the rest may still tell."""
    sample = Sample()
    parser = get_parser(fmt)
    for path in paths:
        try:
            sample.frames.append(parser.read(root / path, options).frame)
        except (ParseError, OSError, pl.exceptions.PolarsError) as exc:
            sample.errors.append(f"{path}: {exc}")
    return sample


def table_names(root: Path, fmt: str, paths: Sequence[str]) -> list[str]:
    """Tables of a multi-table format across the sampled files, in first-seen order."""
    names: dict[str, None] = {}
    parser = get_parser(fmt)
    for path in paths:
        try:
            names.update(dict.fromkeys(parser.tables(root / path)))
        except (ParseError, OSError, pl.exceptions.PolarsError):
            continue
    return list(names)


def column_type(dtype: pl.DataType) -> ColumnType | None:
    """The project-file type for a polars type; None when none fits (nulls, lists...)."""
    if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum):
        return "str"
    if dtype.is_integer():
        return "int"
    if dtype.is_float() or dtype.is_decimal():
        return "float"
    if dtype == pl.Boolean:
        return "bool"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    return None


def _merge(first: ColumnType | None, second: ColumnType | None) -> ColumnType | None:
    """The type that holds the values of both files; text when nothing narrower does."""
    if first is None or first == second:
        return second
    if second is None:
        return first
    if {first, second} == {"int", "float"}:
        return "float"
    if {first, second} == {"date", "datetime"}:
        return "datetime"
    return "str"


def infer_columns(frames: Sequence[pl.DataFrame]) -> tuple[dict[str, ColumnSpec], int]:
    """(the first MAX_COLUMNS columns with their types, how many columns there were).

    A column missing from some sampled files is proposed as ``required: false``, so those
    files do not fail ingestion for lack of it."""
    types: dict[str, ColumnType | None] = {}
    present: dict[str, int] = {}
    for frame in frames:
        for name, dtype in frame.schema.items():
            if name in RESERVED_COLUMNS:
                continue
            types[name] = _merge(types.get(name), column_type(dtype))
            present[name] = present.get(name, 0) + 1
    columns = {
        name: ColumnSpec(
            type=kind,
            unit=_unit(name) if kind in ("int", "float") else None,
            required=present[name] == len(frames),
        )
        for name, kind in list(types.items())[:MAX_COLUMNS]
    }
    return columns, len(types)


def _unit(column: str) -> str | None:
    head, _, last = column.rpartition("_")
    return _UNITS.get(last.lower()) if head else None


@dataclass(frozen=True)
class _Identifier:
    """The values of a column that could be a key, and how close to one row per value."""

    values: frozenset[str]
    distinct_ratio: float


def propose_links(samples: Mapping[str, Sequence[pl.DataFrame]]) -> list[LinkConfig]:
    """Links between same-named (or ``sample``/``sample_id``-named) identifier columns whose
    values overlap, from the side with one row per value to the other."""
    keys = {name: _identifiers(frames) for name, frames in samples.items()}
    links: list[LinkConfig] = []
    names = sorted(keys)
    for index, first in enumerate(names):
        for second in names[index + 1 :]:
            links.extend(_links_between(first, keys[first], second, keys[second]))
    return sorted(links, key=lambda link: (link.source, link.target))


def _links_between(
    first: str,
    first_keys: Mapping[str, _Identifier],
    second: str,
    second_keys: Mapping[str, _Identifier],
) -> list[LinkConfig]:
    """At most one link per column of ``first``: the best-overlapping partner."""
    links: list[LinkConfig] = []
    for column, left in first_keys.items():
        best: tuple[float, str] | None = None
        for other, right in second_keys.items():
            if _key_name(column) != _key_name(other):
                continue
            score = _overlap(left, right)
            if score is not None and (best is None or score > best[0]):
                best = (score, other)
        if best is None:
            continue
        right = second_keys[best[1]]
        source, target = (first, column), (second, best[1])
        if right.distinct_ratio > left.distinct_ratio:
            source, target = target, source
        links.append(LinkConfig(source=".".join(source), target=".".join(target)))
    return links


def _overlap(left: _Identifier, right: _Identifier) -> float | None:
    """Share of the smaller value set found in the other; None when it is no link."""
    if max(left.distinct_ratio, right.distinct_ratio) < ID_DISTINCT_RATIO:
        return None
    smaller = min(len(left.values), len(right.values))
    if smaller < 2:
        return None
    share = len(left.values & right.values) / smaller
    return share if share >= MIN_OVERLAP else None


def _key_name(column: str) -> str:
    """``sample``, ``Sample``, ``sample_id`` and ``SampleName`` name the same thing."""
    squashed = re.sub(r"[^a-z0-9]", "", column.lower())
    trimmed = re.sub(r"(ids?|names?)$", "", squashed)
    return trimmed or squashed


def _identifiers(frames: Sequence[pl.DataFrame]) -> dict[str, _Identifier]:
    """Text and integer columns with at least two values; floats and dates never key rows.

    Uniqueness is judged file by file: runs that analyse the same samples repeat the ids
    across files, yet each file still has one row per id."""
    kinds: dict[str, ColumnType | None] = {}
    parts: dict[str, list[pl.Series]] = {}
    for frame in frames:
        for name in frame.columns:
            if "." in name or name in RESERVED_COLUMNS:
                continue  # a link names its column as collection.column
            kinds[name] = _merge(kinds.get(name), column_type(frame.schema[name]))
            parts.setdefault(name, []).append(frame[name].drop_nulls().cast(pl.String))
    found: dict[str, _Identifier] = {}
    for name, pieces in parts.items():
        values = frozenset(pl.concat(pieces).unique().to_list())
        if kinds[name] not in ("str", "int") or len(values) < 2:
            continue
        ratio = min(piece.n_unique() / len(piece) for piece in pieces if len(piece))
        found[name] = _Identifier(values, ratio)
    return found
