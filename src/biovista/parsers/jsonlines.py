"""JSON lines files: one JSON object per line (``.jsonl``, ``.ndjson``, optionally gzipped)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import polars as pl

from biovista.parsers.base import ParsedTable, ParseError, check_options, first_line, text_overrides
from biovista.parsers.registry import register


class JsonLinesParser:
    """Each line is one row; a malformed line is reported with its number."""

    name: ClassVar[str] = "jsonl"
    extensions: ClassVar[tuple[str, ...]] = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")

    def read(
        self, path: Path, options: Mapping[str, Any], text_columns: Collection[str] = ()
    ) -> ParsedTable:
        check_options(options, (), self.name)
        try:
            frame = pl.read_ndjson(_open_bytes(path), infer_schema_length=None)
        except (pl.exceptions.PolarsError, ValueError, OSError) as exc:
            raise _locate_error(path) or ParseError(first_line(exc)) from None
        as_text = text_overrides(frame.columns, text_columns)
        if as_text:
            frame = frame.with_columns(pl.col(as_text).cast(pl.String))
        return ParsedTable(frame=frame, first_line=1)

    def tables(self, path: Path) -> list[str]:
        return []


def _open_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    text = _open_bytes(path).decode("utf-8", errors="strict")
    yield from enumerate(text.splitlines(), start=1)


def _locate_error(path: Path) -> ParseError | None:
    """Re-read slowly, only after polars failed, to say which line is wrong and how."""
    try:
        for number, line in _lines(path):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                return ParseError(f"invalid JSON: {exc.msg}", line=number, column=exc.colno)
            if not isinstance(value, dict):
                return ParseError(
                    f"expected a JSON object, found {type(value).__name__}", line=number
                )
    except UnicodeDecodeError as exc:
        return ParseError(f"not UTF-8 text (byte {exc.start})")
    return None


register(JsonLinesParser())
