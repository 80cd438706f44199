"""Apache Parquet files (but not MultiQC's ``multiqc.parquet``, which has its own parser)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, ClassVar

import polars as pl

from biovista.parsers.base import ParsedTable, ParseError, check_options, first_line, text_overrides
from biovista.parsers.registry import register


class ParquetParser:
    """Typed columnar files: types come from the file; rows have no line numbers."""

    name: ClassVar[str] = "parquet"
    extensions: ClassVar[tuple[str, ...]] = (".parquet", ".pq")

    def read(
        self, path: Path, options: Mapping[str, Any], text_columns: Collection[str] = ()
    ) -> ParsedTable:
        check_options(options, (), self.name)
        try:
            frame = pl.read_parquet(path)
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise ParseError(f"not a readable Parquet file: {first_line(exc)}") from None
        as_text = text_overrides(frame.columns, text_columns)
        if as_text:
            frame = frame.with_columns(pl.col(as_text).cast(pl.String))
        return ParsedTable(frame=frame, first_line=None)

    def tables(self, path: Path) -> list[str]:
        return []


register(ParquetParser())
