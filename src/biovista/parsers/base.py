"""The interface every file parser implements; one module per format registers one parser."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Protocol

import polars as pl


class ParseError(Exception):
    """A file could not be read; says where (line and column when the format has them)."""

    def __init__(self, message: str, line: int | None = None, column: str | int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class ParsedTable:
    """A parsed file, plus how to turn a row index back into a place in the file."""

    frame: pl.DataFrame
    first_line: int | None = None
    """File line of row 0 (2 for a CSV with a header); None when rows have no line numbers."""

    def line_of(self, row_index: int) -> int | None:
        return None if self.first_line is None else self.first_line + row_index


def check_options(options: Mapping[str, Any], allowed: Collection[str], fmt: str) -> None:
    """Reject option keys a parser does not know: a typo must not be ignored silently."""
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        known = ", ".join(sorted(allowed)) or "none"
        raise ParseError(f"unknown {fmt} option(s) {', '.join(unknown)} (allowed: {known})")


def text_overrides(frame_columns: Collection[str], text_columns: Collection[str]) -> list[str]:
    """The declared text columns that the file actually has."""
    return [name for name in text_columns if name in frame_columns]


def first_line(exc: BaseException) -> str:
    """The first line of a library's error message, for a one-line report."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class Parser(Protocol):
    """Reads one file format into a polars DataFrame."""

    name: ClassVar[str]
    """The format name used in project files (``format: csv``)."""
    extensions: ClassVar[tuple[str, ...]]
    """File name endings this parser claims when no format is given (``.csv``, ``.csv.gz``)."""

    def read(
        self, path: Path, options: Mapping[str, Any], text_columns: Collection[str] = ()
    ) -> ParsedTable:
        """Parse ``path``. Columns in ``text_columns`` are read as text, untouched, because
        the project declares their type and biovista casts them itself with row-precise
        errors. Raises :class:`ParseError` for malformed input."""
        ...

    def tables(self, path: Path) -> list[str]:
        """Names of the tables a multi-table file holds (``options.table``); [] otherwise."""
        ...
