"""CSV and TSV files (optionally gzip-compressed), read with polars.

The fast path is polars alone; only when it fails is the file re-read with Python's csv
module to say which line is wrong, so malformed files cost time and good ones do not.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, ClassVar

import polars as pl

from biovista.parsers.base import ParsedTable, ParseError, check_options, first_line
from biovista.parsers.registry import register

NULL_VALUES = ["", "NA", "NaN", "nan", "null", "NULL", "N/A"]
INFER_ROWS = 10_000
"""Rows used to infer column types; a later value that does not fit triggers a full scan."""


class DelimitedParser:
    """Text tables with a header line. Options: ``separator``, ``skip_rows``, ``comment``."""

    name: ClassVar[str] = "csv"
    extensions: ClassVar[tuple[str, ...]] = (".csv", ".csv.gz")
    separator: ClassVar[str] = ","

    def read(
        self, path: Path, options: Mapping[str, Any], text_columns: Collection[str] = ()
    ) -> ParsedTable:
        check_options(options, ("separator", "skip_rows", "comment"), self.name)
        separator = str(options.get("separator", self.separator))
        skip_rows = int(options.get("skip_rows", 0))
        comment = options.get("comment")
        if path.stat().st_size == 0:
            raise ParseError("file is empty")

        def attempt(infer_rows: int | None) -> pl.DataFrame:
            return pl.read_csv(
                path,
                separator=separator,
                skip_rows=skip_rows,
                comment_prefix=str(comment) if comment else None,
                schema_overrides=dict.fromkeys(text_columns, pl.String),
                infer_schema_length=infer_rows,
                null_values=NULL_VALUES,
            )

        try:
            try:
                frame = attempt(INFER_ROWS)
            except pl.exceptions.ComputeError:
                frame = attempt(None)  # a value beyond the inferred rows did not fit
        except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
            raise _locate_error(path, separator, skip_rows) or ParseError(first_line(exc)) from None
        if frame.width == 0:
            raise ParseError("file has no header line")
        return ParsedTable(frame=frame, first_line=2 + skip_rows)

    def tables(self, path: Path) -> list[str]:
        return []


class TsvParser(DelimitedParser):
    name: ClassVar[str] = "tsv"
    extensions: ClassVar[tuple[str, ...]] = (".tsv", ".tsv.gz", ".tab", ".txt")
    separator: ClassVar[str] = "\t"


def _locate_error(path: Path, separator: str, skip_rows: int) -> ParseError | None:
    """Find the first line that is not well formed (field count, quoting, encoding)."""
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return ParseError(f"not UTF-8 text: byte 0x{raw[exc.start]:02x}", line=line)
    reader = csv.reader(io.StringIO(text), delimiter=separator, strict=True)
    expected: int | None = None
    try:
        for record in reader:
            if reader.line_num <= skip_rows or not record:
                continue
            if expected is None:
                expected = len(record)
            elif len(record) != expected:
                return ParseError(
                    f"expected {expected} fields, found {len(record)}",
                    line=reader.line_num,
                    column=min(len(record), expected) + 1,
                )
    except csv.Error as exc:
        return ParseError(f"malformed line: {exc}", line=reader.line_num)
    return None


register(DelimitedParser())
register(TsvParser())
