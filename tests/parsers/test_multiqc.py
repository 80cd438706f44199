"""The real nf-core/ampliseq MultiQC report, read as tables."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from biovista.parsers import get_parser
from biovista.parsers.base import ParseError

REPORT = Path(__file__).parents[1] / "data" / "multiqc" / "ampliseq" / "multiqc.parquet"
parser = get_parser("multiqc")


def test_lists_general_stats_and_every_plot() -> None:
    tables = parser.tables(REPORT)
    assert tables[0] == "general_stats"
    assert len(tables) == 14
    assert "fastqc_sequence_counts_plot" in tables
    assert "fastqc-status-check-heatmap" in tables


def test_general_stats_one_row_per_sample() -> None:
    frame = parser.read(REPORT, {}).frame
    assert frame.height == 36
    assert frame.columns[0] == "sample"
    assert "fastqc_percent_gc" in frame.columns
    assert "cutadapt_percent_trimmed" in frame.columns
    row = frame.filter(pl.col("sample") == "SRR10070130_1").row(0, named=True)
    assert row["fastqc_total_sequences"] == 99321.0
    assert row["fastqc_avg_sequence_length"] == pytest.approx(244.99856, rel=1e-6)
    trimmed = frame.filter(pl.col("sample") == "SRR10070130")["cutadapt_percent_trimmed"]
    assert trimmed.to_list() == [pytest.approx(9.388769, rel=1e-6)]


def test_bar_plot_is_long() -> None:
    frame = parser.read(REPORT, {"table": "fastqc_sequence_counts_plot"}).frame
    assert frame.columns == ["dataset", "sample", "category", "value"]
    assert frame.height == 48
    unique = frame.filter(pl.col("sample") == "SRR10070130_1", pl.col("category") == "Unique Reads")
    assert unique["value"].to_list() == [8336.0]


def test_line_plot_is_long() -> None:
    frame = parser.read(REPORT, {"table": "fastqc_sequence_length_distribution_plot"}).frame
    assert frame.columns == ["dataset", "sample", "x", "y"]
    first = frame.filter(pl.col("sample") == "SRR10070130_1").sort("x").row(0)
    assert first[2:] == (35.0, 1011.0)


def test_heatmap_is_row_column_value() -> None:
    frame = parser.read(REPORT, {"table": "fastqc-status-check-heatmap"}).frame
    assert frame.height == 24 * 10
    cell = frame.filter(pl.col("row") == "SRR10070130_1", pl.col("column") == "Basic Statistics")
    assert cell["value"].to_list() == [1.0]


def test_table_plot_is_wide() -> None:
    frame = parser.read(REPORT, {"table": "fastqc_top_overrepresented_sequences_table"}).frame
    assert frame.columns == ["sample", "samples", "total_count", "total_percent"]
    assert frame.height == 20


def test_unknown_table_suggests_the_closest() -> None:
    with pytest.raises(ParseError, match="did you mean 'general_stats'"):
        parser.read(REPORT, {"table": "general_stat"})


def test_a_plain_parquet_is_not_a_report(tmp_path: Path) -> None:
    target = tmp_path / "multiqc.parquet"
    pl.DataFrame({"a": [1]}).write_parquet(target)
    with pytest.raises(ParseError, match="not a MultiQC report"):
        parser.read(target, {})
