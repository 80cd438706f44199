"""Validation against the data: files matched, columns present, links resolvable."""

from __future__ import annotations

import shutil
from pathlib import Path

from biovista.services.projects.validate import validate_project

DATA = Path(__file__).parents[2] / "data"
PROJECT = """\
name: penguins
runs:
  root: ./data
  pattern: 'run_(?P<run>\\d+)_(?P<species>\\w+)'
collections:
  physical:
    files: 'physical_features\\.csv'
    columns:
      body_mass_g: {type: float}
  demographics:
    files: 'demographic_data\\.csv'
links:
  - {from: demographics.individual_id, to: physical.individual_id}
"""


def project(tmp_path: Path, text: str = PROJECT) -> Path:
    if not (tmp_path / "data").exists():
        shutil.copytree(DATA / "penguins", tmp_path / "data")
    (tmp_path / "p.yaml").write_text(text)
    return tmp_path / "p.yaml"


def test_valid_project_summarises_collections(tmp_path: Path) -> None:
    report = validate_project(project(tmp_path))
    assert report.valid
    assert report.collections["physical"] == {"files": 3, "runs": 3, "format": "csv"}
    (warning,) = report.warnings
    assert warning.where == "runs.pattern"
    assert "'species' is also a column of run_1_adelie/demographic_data.csv" in warning.message


def test_data_problems_are_located_and_suggested(tmp_path: Path) -> None:
    text = (
        PROJECT.replace("physical_features", "physical_feature")
        .replace("body_mass_g: {type: float}", "body_mass_g: {type: float}\n      islnd: {}")
        .replace("to: physical.individual_id", "to: demographics.individual")
    )
    text = text.replace(
        "files: 'demographic_data\\.csv'\n",
        "files: 'demographic_data\\.csv'\n    columns:\n      islnd: {}\n",
    )
    report = validate_project(project(tmp_path, text))
    found = [(p.line, p.where, p.message, p.suggestion) for p in report.problems]
    assert found == [
        (
            7,
            "collections.physical.files",
            "matched no file",
            "files that look close: physical_features.csv, demographic_data.csv",
        ),
        (
            14,
            "collections.demographics.columns.islnd",
            "column 'islnd' is not in run_1_adelie/demographic_data.csv",
            "did you mean 'island'?",
        ),
        (
            16,
            "links.0.to",
            "collection 'demographics' has no column 'individual'",
            "did you mean 'individual_id'?",
        ),
    ]


def test_bad_first_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    path = project(tmp_path)
    (tmp_path / "data/run_1_adelie/physical_features.csv").write_text("a,b\n1,2\n3,4,5\n")
    report = validate_project(path)
    (problem,) = report.problems
    assert (problem.where, problem.line, problem.message) == (
        "run_1_adelie/physical_features.csv",
        3,
        "expected 2 fields, found 3",
    )


def test_missing_runs_root(tmp_path: Path) -> None:
    report = validate_project(project(tmp_path, PROJECT.replace("./data", "./nowhere")))
    assert report.problems[0].where == "collections.physical.files"
    assert "is not a folder" in report.problems[0].message


def test_no_data_checks_only_the_file(tmp_path: Path) -> None:
    report = validate_project(
        project(tmp_path, PROJECT.replace("./data", "./nowhere")), check_data=False
    )
    assert report.valid
