"""MultiQC reports (``multiqc_data/multiqc.parquet``, MultiQC 1.29 and later) as tables.

One report holds many tables: ``general_stats`` (one row per sample, one column per
general-statistics metric) and one per plot, named by the plot's anchor. A collection picks
one with ``options: {table: ...}``.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, ClassVar

import polars as pl

from biovista.parsers.base import ParsedTable, ParseError, check_options, first_line
from biovista.parsers.multiqc_plots import plot_table
from biovista.parsers.registry import register

GENERAL_STATS = "general_stats"
GENERAL_STATS_ANCHOR = "general_stats_table"
REQUIRED_COLUMNS = {"anchor", "type", "plot_type", "plot_input_data", "sample", "metric"}


class MultiqcParser:
    """Option ``table``: ``general_stats`` (default) or a plot anchor from ``tables()``."""

    name: ClassVar[str] = "multiqc"
    extensions: ClassVar[tuple[str, ...]] = ("multiqc.parquet",)

    def read(
        self, path: Path, options: Mapping[str, Any], text_columns: Collection[str] = ()
    ) -> ParsedTable:
        check_options(options, ("table",), self.name)
        table = str(options.get("table", GENERAL_STATS))
        report = _load(path)
        anchor = GENERAL_STATS_ANCHOR if table == GENERAL_STATS else table
        available = _anchors(report)
        if anchor not in available:
            raise ParseError(_unknown_table(table, self.tables(path)))
        rows = report.filter(pl.col("type") == "plot_input_row", pl.col("anchor") == anchor)
        if rows.height:
            frame = _wide(rows, prefix_section=anchor == GENERAL_STATS_ANCHOR)
        else:
            plot = report.filter(pl.col("type") == "plot_input", pl.col("anchor") == anchor)
            frame = plot_table(json.loads(plot["plot_input_data"][0]), anchor)
        as_text = [c for c in text_columns if c in frame.columns]
        if as_text:
            frame = frame.with_columns(pl.col(as_text).cast(pl.String))
        return ParsedTable(frame=frame, first_line=None)

    def tables(self, path: Path) -> list[str]:
        anchors = _anchors(_load(path))
        others = sorted(a for a in anchors if a != GENERAL_STATS_ANCHOR)
        return ([GENERAL_STATS] if GENERAL_STATS_ANCHOR in anchors else []) + others


def _load(path: Path) -> pl.DataFrame:
    try:
        report = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise ParseError(f"not a readable Parquet file: {first_line(exc)}") from None
    missing = REQUIRED_COLUMNS - set(report.columns)
    if missing:
        raise ParseError(
            "not a MultiQC report (MultiQC >= 1.29 writes multiqc_data/multiqc.parquet): "
            f"missing column(s) {', '.join(sorted(missing))}"
        )
    return report


def _anchors(report: pl.DataFrame) -> set[str]:
    plots = report.filter(pl.col("type").is_in(["plot_input", "plot_input_row"]))
    return set(plots["anchor"].drop_nulls().to_list())


def _unknown_table(table: str, tables: list[str]) -> str:
    close = difflib.get_close_matches(table, tables, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"report has no table {table!r}{hint}; tables: {', '.join(tables)}"


def _wide(rows: pl.DataFrame, prefix_section: bool) -> pl.DataFrame:
    """One row per sample, one column per metric: numbers where every value is a number."""
    name = pl.col("metric")
    if prefix_section and "section_key" in rows.columns:
        name = pl.concat_str(pl.col("section_key"), pl.lit("_"), pl.col("metric"))
    long = rows.select(
        pl.col("sample"),
        name.alias("column"),
        pl.col("val_raw") if "val_raw" in rows.columns else pl.lit(None, pl.Float64),
        pl.col("val_fmt") if "val_fmt" in rows.columns else pl.lit(None, pl.String),
    )
    numeric = long.group_by("column").agg(
        (pl.col("val_raw").is_not_null() | pl.col("val_fmt").is_null()).all().alias("numeric")
    )
    text_columns = set(numeric.filter(~pl.col("numeric"))["column"].to_list())
    value = (
        pl.when(pl.col("column").is_in(list(text_columns)))
        .then(pl.col("val_fmt"))
        .otherwise(pl.col("val_raw").cast(pl.String))
    )
    wide = long.with_columns(value.alias("value")).pivot(
        on="column", index="sample", values="value", aggregate_function="first"
    )
    numbers = [c for c in wide.columns if c != "sample" and c not in text_columns]
    return wide.with_columns(pl.col(numbers).cast(pl.Float64)).sort("sample")


register(MultiqcParser())
