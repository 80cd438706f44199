"""CSV and TSV files (optionally gzip-compressed), read with polars."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, ClassVar

import polars as pl

from biovista.parsers import register
from biovista.parsers.base import ParsedTable, ParseError


class DelimitedParser:
    """Text tables with a header line; ``options.separator`` overrides the default."""

    name: ClassVar[str] = "csv"
    extensions: ClassVar[tuple[str, ...]] = (".csv", ".csv.gz")
    separator: ClassVar[str] = ","

    def read(
        self, path: Path, options: Mapping[str, Any], text_columns: Collection[str] = ()
    ) -> ParsedTable:
        separator = str(options.get("separator", self.separator))
        skip_rows = int(options.get("skip_rows", 0))
        try:
            frame = pl.read_csv(
                path,
                separator=separator,
                skip_rows=skip_rows,
                schema_overrides={name: pl.String for name in text_columns},
                infer_schema_length=None,
                null_values=["", "NA", "NaN", "null"],
            )
        except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
            raise ParseError(_first_line(exc)) from None
        return ParsedTable(frame=frame, first_line=2 + skip_rows)

    def tables(self, path: Path) -> list[str]:
        return []


class TsvParser(DelimitedParser):
    name: ClassVar[str] = "tsv"
    extensions: ClassVar[tuple[str, ...]] = (".tsv", ".tsv.gz", ".tab", ".txt")
    separator: ClassVar[str] = "\t"


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


register(DelimitedParser())
register(TsvParser())
