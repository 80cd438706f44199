"""``biovista validate`` output and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from biovista.cli.main import app

DATA = Path(__file__).parents[1] / "data"
runner = CliRunner()


def test_valid_project(tmp_path: Path) -> None:
    shutil.copytree(DATA / "penguins", tmp_path / "data")
    (tmp_path / "p.yaml").write_text(
        "name: p\nruns: {root: ./data}\n"
        "collections:\n  physical: {files: 'physical_features\\.csv'}\n"
    )
    result = runner.invoke(app, ["validate", str(tmp_path / "p.yaml")])
    assert result.exit_code == 0, result.output
    assert "is valid (physical: 3 file(s))" in result.stdout


def test_invalid_project_lines_and_json(tmp_path: Path) -> None:
    target = tmp_path / "p.yaml"
    target.write_text("name: p\ndescripton: x\ncollections:\n  a: {path: a.csv, format: cvs}\n")

    human = runner.invoke(app, ["validate", str(target), "--no-data"])
    machine = runner.invoke(app, ["validate", str(target), "--no-data", "--json"])

    assert human.exit_code == 2
    assert (
        f"{target}:2: descripton: unknown key 'descripton' (did you mean 'description'?)"
        in human.stderr
    )
    assert (
        f"{target}:4: collections.a.format: unknown format 'cvs' (did you mean 'csv'?)"
        in human.stderr
    )
    assert "2 problem(s)" in human.stderr
    report = json.loads(machine.stdout)
    assert report["valid"] is False
    assert [p["line"] for p in report["problems"]] == [2, 4]
