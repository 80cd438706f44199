"""YAML bombs handed to the command line: a located problem and exit code 2, quickly, never
a traceback (``validate``, ``ingest``, ``sample-type create --attributes``)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.yaml_bombs import BOMB, DEEP
from typer.testing import CliRunner

from biovista.cli.main import app

runner = CliRunner()
COMMANDS = {
    "validate": ["validate", "--no-data"],
    "ingest": ["ingest"],
    "sample-type": ["sample-type", "create", "tissue", "--attributes"],
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    ("text", "where"),
    [(BOMB, "2, column 4"), (DEEP, "1, column")],
    ids=["laughs", "deep"],
)
def test_a_bomb_is_a_located_problem_with_exit_code_2(
    command: str, text: str, where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BIOVISTA_DATA_DIR", str(tmp_path / "data"))
    target = tmp_path / "file.yaml"
    target.write_text(text)
    started = time.monotonic()
    result = runner.invoke(app, [*COMMANDS[command], str(target)])
    assert time.monotonic() - started < 2.0
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    if command == "validate":  # its report names the line only
        assert f"file.yaml:{where.split(',')[0]}:" in result.stderr
    else:
        assert f"line {where}" in result.stderr
