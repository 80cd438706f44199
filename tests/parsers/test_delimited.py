"""CSV and TSV: the real penguins files, and malformed files located by line."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from biovista.parsers import get_parser
from biovista.parsers.base import ParseError

DATA = Path(__file__).parents[1] / "data"


def test_reads_real_penguins_file() -> None:
    parsed = get_parser("csv").read(DATA / "penguins/run_2_chinstrap/physical_features.csv", {})
    assert parsed.frame.height == 68
    assert parsed.frame.schema["body_mass_g"] == pl.Float64
    assert parsed.frame.row(0) == ("chinstrap_1", 46.5, 17.9, 192.0, 3500.0)
    assert parsed.line_of(0) == 2


def test_iris_species_and_measurements() -> None:
    frame = get_parser("csv").read(DATA / "iris.csv", {}).frame
    assert frame.height == 150
    assert frame.width == 5


def test_text_columns_are_read_untouched(tmp_path: Path) -> None:
    target = tmp_path / "ids.csv"
    target.write_text("id,x\n001,1\n002,2\n")
    frame = get_parser("csv").read(target, {}, text_columns=["id"]).frame
    assert frame["id"].to_list() == ["001", "002"]


def test_tsv_and_options(tmp_path: Path) -> None:
    target = tmp_path / "t.tsv"
    target.write_text("# produced by a tool\nsample\tvalue\ns1\t1.5\n")
    parsed = get_parser("tsv").read(target, {"skip_rows": 1})
    assert parsed.frame.rows() == [("s1", 1.5)]
    assert parsed.line_of(0) == 3


def test_late_value_widens_the_inferred_type(tmp_path: Path) -> None:
    target = tmp_path / "late.csv"
    target.write_text("n\n" + "1\n" * 12_000 + "2.5\n")
    frame = get_parser("csv").read(target, {}).frame
    assert frame.schema["n"] == pl.Float64
    assert frame["n"][-1] == 2.5


@pytest.mark.parametrize(
    ("content", "message", "line", "column"),
    [
        (b"a,b\n1,2\n3,4,5\n", "expected 2 fields, found 3", 3, 3),
        (b'a,b\n1,2\n3,"x\n', "malformed line", 3, None),
        (b"a,b\n1,\xff\n", "not UTF-8 text: byte 0xff", 2, None),
        (b"", "file is empty", None, None),
    ],
    ids=["too many fields", "open quote", "bad encoding", "empty"],
)
def test_malformed_files_are_located(
    tmp_path: Path, content: bytes, message: str, line: int | None, column: int | None
) -> None:
    target = tmp_path / "bad.csv"
    target.write_bytes(content)
    with pytest.raises(ParseError) as caught:
        get_parser("csv").read(target, {})
    assert message in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column)


def test_unknown_option_is_rejected(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    target.write_text("a\n1\n")
    with pytest.raises(ParseError, match="unknown csv option\\(s\\) seperator"):
        get_parser("csv").read(target, {"seperator": ";"})
