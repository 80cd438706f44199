"""Parquet, Excel and JSON lines files built in the test, read back exactly."""

from __future__ import annotations

import gzip
from pathlib import Path

import polars as pl
import pytest

from biovista.parsers import get_parser
from biovista.parsers.base import ParseError

FRAME = pl.DataFrame({"sample": ["001", "002"], "reads": [1200, 3400], "ok": [True, False]})


def test_parquet_keeps_types_and_casts_text_columns(tmp_path: Path) -> None:
    target = tmp_path / "t.parquet"
    FRAME.write_parquet(target)
    parsed = get_parser("parquet").read(target, {}, text_columns=["reads"])
    assert parsed.frame["reads"].to_list() == ["1200", "3400"]
    assert parsed.frame.schema["ok"] == pl.Boolean
    assert parsed.line_of(0) is None


def test_parquet_garbage_is_a_parse_error(tmp_path: Path) -> None:
    target = tmp_path / "t.parquet"
    target.write_text("not parquet")
    with pytest.raises(ParseError, match="not a readable Parquet file"):
        get_parser("parquet").read(target, {})


def test_xlsx_sheets_by_name_and_number(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    import xlsxwriter

    with xlsxwriter.Workbook(target) as book:
        first = book.add_worksheet("summary")
        first.write_row(0, 0, ["k", "v"])
        first.write_row(1, 0, ["a", 1])
        second = book.add_worksheet("samples")
        second.write_row(0, 0, ["sample", "reads"])
        second.write_row(1, 0, ["001", 1200])
        second.write_row(2, 0, ["002", 3400])
    parser = get_parser("xlsx")
    assert parser.tables(target) == ["summary", "samples"]
    by_name = parser.read(target, {"sheet": "samples"}, text_columns=["sample"])
    assert by_name.frame.rows() == [("001", 1200), ("002", 3400)]
    assert by_name.line_of(1) == 3
    assert parser.read(target, {"sheet": 2}).frame.height == 2
    assert parser.read(target, {}).frame.rows() == [("a", 1)]
    with pytest.raises(ParseError, match="no sheet named 'sample'; sheets: summary, samples"):
        parser.read(target, {"sheet": "sample"})
    with pytest.raises(ParseError, match="sheet 3 does not exist"):
        parser.read(target, {"sheet": 3})


def test_jsonl_rows_and_gzip(tmp_path: Path) -> None:
    content = '{"sample": "s1", "reads": 10}\n{"sample": "s2", "reads": 20, "note": "x"}\n'
    plain = tmp_path / "e.jsonl"
    plain.write_text(content)
    packed = tmp_path / "e.jsonl.gz"
    packed.write_bytes(gzip.compress(content.encode()))
    for target in (plain, packed):
        frame = get_parser("jsonl").read(target, {}).frame
        assert frame.rows() == [("s1", 10, None), ("s2", 20, "x")]


def test_jsonl_malformed_line_is_located(tmp_path: Path) -> None:
    target = tmp_path / "e.jsonl"
    target.write_text('{"a": 1}\n{"a": 2}\n{"a": 3,\n')
    with pytest.raises(ParseError) as caught:
        get_parser("jsonl").read(target, {})
    assert caught.value.line == 3
    assert "invalid JSON" in caught.value.message


def test_jsonl_line_that_is_not_an_object(tmp_path: Path) -> None:
    target = tmp_path / "e.jsonl"
    target.write_text('{"a": 1}\n[1, 2]\n')
    with pytest.raises(ParseError) as caught:
        get_parser("jsonl").read(target, {})
    assert (caught.value.line, caught.value.message) == (2, "expected a JSON object, found list")
