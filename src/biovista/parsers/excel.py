"""Excel workbooks (``.xlsx``): one sheet is one table."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, ClassVar

import polars as pl

from biovista.parsers.base import ParsedTable, ParseError, check_options, first_line
from biovista.parsers.registry import register


class ExcelParser:
    """Options: ``sheet`` (name or 1-based number, default the first) and ``skip_rows``."""

    name: ClassVar[str] = "xlsx"
    extensions: ClassVar[tuple[str, ...]] = (".xlsx",)

    def read(
        self, path: Path, options: Mapping[str, Any], text_columns: Collection[str] = ()
    ) -> ParsedTable:
        check_options(options, ("sheet", "skip_rows"), self.name)
        sheets = self.tables(path)
        sheet = options.get("sheet", 1)
        skip_rows = int(options.get("skip_rows", 0))
        name = _sheet_name(sheet, sheets)
        try:
            frame = pl.read_excel(
                path,
                sheet_name=name,
                engine="calamine",
                read_options={"header_row": skip_rows},
                schema_overrides=dict.fromkeys(text_columns, pl.String) or None,
            )
        except (pl.exceptions.PolarsError, ValueError) as exc:
            raise ParseError(f"sheet {name!r}: {first_line(exc)}") from None
        return ParsedTable(frame=frame, first_line=skip_rows + 2)

    def tables(self, path: Path) -> list[str]:
        try:
            from fastexcel import read_excel

            return list(read_excel(str(path)).sheet_names)
        except Exception as exc:  # fastexcel raises its own untyped errors for bad files
            raise ParseError(f"not a readable Excel workbook: {first_line(exc)}") from None


def _sheet_name(sheet: object, sheets: list[str]) -> str:
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if 1 <= sheet <= len(sheets):
            return sheets[sheet - 1]
        raise ParseError(f"sheet {sheet} does not exist; the workbook has {len(sheets)} sheet(s)")
    if sheet in sheets:
        return str(sheet)
    raise ParseError(f"no sheet named {sheet!r}; sheets: {', '.join(sheets)}")


register(ExcelParser())
