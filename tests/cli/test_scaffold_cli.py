"""``biovista init`` as a user runs it: the file it writes, what it refuses, what it says."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from biovista.cli.main import app
from biovista.models.loader import load_project

DATA = Path(__file__).parents[1] / "data"
runner = CliRunner()


@pytest.fixture
def scaffold_workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding a copy of the penguin runs under ``data/penguins``."""
    shutil.copytree(DATA / "penguins", tmp_path / "data" / "penguins")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_init_writes_a_project_that_validates(scaffold_workdir: Path) -> None:
    result = runner.invoke(app, ["init", "data/penguins"])

    assert result.exit_code == 0, result.output
    written = scaffold_workdir / "project.yaml"
    loaded = load_project(written)
    assert loaded.config.name == "penguins"
    assert loaded.config.runs is not None
    assert loaded.config.runs.root == "data/penguins"
    assert "Found 3 run folders" in result.stdout
    assert "demographic_data.individual_id -> physical_features.individual_id" in result.stdout
    assert "biovista validate project.yaml" in result.stdout

    validated = runner.invoke(app, ["validate", "project.yaml"])
    assert validated.exit_code == 0, validated.output
    assert "demographic_data: 3 file(s), physical_features: 3 file(s)" in validated.stdout


def test_root_is_relative_to_the_output_file(scaffold_workdir: Path) -> None:
    output = scaffold_workdir / "projects" / "birds.yaml"

    result = runner.invoke(app, ["init", "data/penguins", "-o", str(output), "--name", "birds"])

    assert result.exit_code == 0, result.output
    config = load_project(output).config
    assert config.name == "birds"
    assert config.runs is not None
    assert config.runs.root == "../data/penguins"


def test_existing_file_needs_force(scaffold_workdir: Path) -> None:
    existing = scaffold_workdir / "project.yaml"
    existing.write_text("# mine, hand-written\n")

    refused = runner.invoke(app, ["init", "data/penguins"])

    assert refused.exit_code == 2
    assert "already exists" in refused.stderr
    assert "--force" in refused.stderr
    assert existing.read_text() == "# mine, hand-written\n"

    forced = runner.invoke(app, ["init", "data/penguins", "--force"])

    assert forced.exit_code == 0, forced.output
    assert load_project(existing).config.name == "penguins"


def test_folder_without_data_is_an_error(scaffold_workdir: Path) -> None:
    (scaffold_workdir / "empty").mkdir()

    empty = runner.invoke(app, ["init", "empty"])
    missing = runner.invoke(app, ["init", "nowhere"])

    assert empty.exit_code == 2
    assert "no files biovista can read" in empty.stderr
    assert missing.exit_code == 2
    assert "is not a folder" in missing.stderr
    assert not (scaffold_workdir / "project.yaml").exists()


def test_invalid_name_is_an_error(scaffold_workdir: Path) -> None:
    result = runner.invoke(app, ["init", "data/penguins", "--name", "two words"])

    assert result.exit_code == 2
    assert "invalid project name" in result.stderr
