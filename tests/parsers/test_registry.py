"""Format detection picks the parser with the longest matching ending."""

from __future__ import annotations

import pytest

from biovista.parsers import detect_format, formats, get_parser
from biovista.parsers.base import ParseError


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("run_1/physical_features.csv", "csv"),
        ("a.csv.gz", "csv"),
        ("counts.tsv", "tsv"),
        ("counts.tsv.gz", "tsv"),
        ("table.tab", "tsv"),
        ("samples.xlsx", "xlsx"),
        ("events.jsonl", "jsonl"),
        ("events.ndjson", "jsonl"),
        ("data.parquet", "parquet"),
        ("run/multiqc_data/multiqc.parquet", "multiqc"),
        ("README.md", None),
    ],
)
def test_detect_format(path: str, expected: str | None) -> None:
    assert detect_format(path) == expected


def test_every_format_is_registered() -> None:
    assert formats() == {"csv", "tsv", "parquet", "xlsx", "jsonl", "multiqc"}


def test_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(ParseError, match="unknown format 'fasta' \\(known: csv, jsonl"):
        get_parser("fasta")
