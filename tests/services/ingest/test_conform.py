"""conform: required columns, declared and existing types, provenance, located errors."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from biovista.models.project import FILE_COLUMN, RUN_COLUMN, CollectionConfig
from biovista.parsers.base import ParsedTable, ParseError
from biovista.services.ingest.conform import conform

COLLECTION = CollectionConfig.model_validate(
    {
        "files": "samples\\.csv",
        "columns": {
            "sample": {"type": "str"},
            "reads": {"type": "int"},
            "passed": {"type": "bool", "required": False},
            "collected": {"type": "date", "required": False},
        },
    }
)


def parsed(**columns: list[object]) -> ParsedTable:
    return ParsedTable(pl.DataFrame(columns), first_line=2)  # a CSV: header on line 1


def test_declared_types_are_cast_and_provenance_comes_first() -> None:
    table = parsed(
        sample=["S1", "S2"],
        reads=[" 10", "2.0"],
        passed=["Yes", "n"],
        collected=["2024-03-01", None],
        lane=["1", "2"],
    )
    frame = conform(table, COLLECTION, None, "run_1/samples.csv", "run_1", {"site": "Oslo"})
    assert frame.columns[:2] == [RUN_COLUMN, FILE_COLUMN]
    assert frame["reads"].to_list() == [10, 2]
    assert frame.schema["reads"] == pl.Int64
    assert frame["passed"].to_list() == [True, False]
    assert frame["collected"].to_list() == [date(2024, 3, 1), None]
    assert frame["lane"].dtype == pl.String  # undeclared, new to the table: as parsed
    assert frame[RUN_COLUMN].to_list() == ["run_1", "run_1"]
    assert frame[FILE_COLUMN].to_list() == ["run_1/samples.csv"] * 2
    assert frame["site"].to_list() == ["Oslo", "Oslo"]  # a run attribute becomes a column


def test_a_fraction_is_never_truncated_into_an_integer_and_its_line_is_named() -> None:
    with pytest.raises(ParseError, match=r"'2\.5' is not a valid integer") as raised:
        conform(parsed(sample=["a", "b"], reads=["1", "2.5"]), COLLECTION, None, "f", None, {})
    assert (raised.value.line, raised.value.column) == (3, "reads")


def test_without_line_numbers_the_row_is_named() -> None:
    table = ParsedTable(pl.DataFrame({"sample": ["a"], "reads": ["1"], "passed": ["maybe"]}))
    with pytest.raises(ParseError, match=r"row 1: 'maybe' is not a valid true/false"):
        conform(table, COLLECTION, None, "f", None, {})


def test_a_missing_required_column_lists_what_the_file_has() -> None:
    with pytest.raises(ParseError, match=r"missing required column\(s\) 'reads'.*has: sample"):
        conform(parsed(sample=["a"]), COLLECTION, None, "f", None, {})


def test_undeclared_columns_keep_the_type_the_table_already_has() -> None:
    table_schema = {"lane": pl.Int64(), "note": pl.Null()}
    table = parsed(sample=["a"], reads=["1"], lane=["7"], note=[None], site=["file's own"])
    frame = conform(table, COLLECTION, table_schema, "f", "r", {"site": "from the run"})
    assert frame.schema["lane"] == pl.Int64 and frame["lane"].to_list() == [7]
    assert frame.schema["note"] == pl.String  # an all-null column is stored as text
    assert frame["site"].to_list() == ["file's own"]  # the file's column wins
    with pytest.raises(ParseError, match="'x' is not a valid integer"):
        conform(
            parsed(sample=["a"], reads=["1"], lane=["x"]), COLLECTION, table_schema, "f", None, {}
        )
