"""Project files: every problem at once, with its YAML path, line and a suggestion."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.penguins import PROJECT_YAML

from biovista.errors import InvalidInputError
from biovista.models.loader import check_project, load_project

VALID = PROJECT_YAML


def write(tmp_path: Path, text: str) -> Path:
    target = tmp_path / "project.yaml"
    target.write_text(text)
    return target


def problems(tmp_path: Path, text: str) -> list[tuple[int | None, str, str, str | None]]:
    checked = check_project(write(tmp_path, text))
    return [(p.line, p.where, p.message, p.suggestion) for p in checked.problems]


def test_the_documented_example_is_valid(tmp_path: Path) -> None:
    loaded = load_project(write(tmp_path, VALID))
    assert loaded.config.name == "penguins"
    assert loaded.config.run_columns() == ["run", "species"]
    assert loaded.config.links[0].source == "demographics.individual_id"
    assert loaded.base_dir == tmp_path.resolve()


def test_several_mistakes_are_reported_together(tmp_path: Path) -> None:
    text = (
        VALID.replace("description: Palmer", "descripton: Palmer")
        .replace("{type: float, unit: g}", "{type: flaot, unit: g}")
        .replace(
            "files: 'demographic_data\\.csv'", "files: 'demographic_data\\.csv'\n    format: cvs"
        )
        .replace("from: demographics.individual_id", "from: demographic.individual_id")
    )
    assert problems(tmp_path, text) == [
        (2, "descripton", "unknown key 'descripton'", "did you mean 'description'?"),
        (
            12,
            "collections.physical.columns.body_mass_g.type",
            "unknown column type 'flaot'; types: str, int, float, bool, date, datetime",
            "did you mean 'float'?",
        ),
        (15, "collections.demographics.format", "unknown format 'cvs'", "did you mean 'csv'?"),
        (17, "links.0.from", "no collection named 'demographic'", "did you mean 'demographics'?"),
    ]


def test_missing_key_points_at_the_parent(tmp_path: Path) -> None:
    text = VALID.replace("name: penguins\n", "")
    assert problems(tmp_path, text) == [(1, "name", "missing required key 'name'", None)]


def test_bad_regex_and_both_files_and_path(tmp_path: Path) -> None:
    text = VALID.replace("\\d+)_", "\\d+_").replace(
        "files: 'demographic_data\\.csv'", "files: 'demographic_data\\.csv'\n    path: sheet.csv"
    )
    found = problems(tmp_path, text)
    assert found[0][:2] == (5, "runs.pattern")
    assert found[0][2].startswith("not a valid regular expression: missing )")
    assert found[1][:3] == (
        13,
        "collections.demographics",
        "give exactly one of 'files' (a regex over each run folder) or 'path' (a single file)",
    )


def test_duplicate_key(tmp_path: Path) -> None:
    text = VALID.replace("  demographics:\n", "  physical:\n    files: x\n  demographics:\n")
    found = problems(tmp_path, text)
    assert (
        13,
        "collections.physical",
        "duplicate key 'physical' (only the last one would be used)",
        None,
    ) in found


def test_yaml_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    checked = check_project(write(tmp_path, "name: x\ncollections: [a\n"))
    (problem,) = checked.problems
    assert problem.message.startswith("not valid YAML")
    assert problem.line == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty; a project needs at least 'name' and 'collections'"),
        ("- a\n- b\n", "expected keys at the top level, found a list"),
    ],
)
def test_empty_or_not_a_mapping(tmp_path: Path, text: str, message: str) -> None:
    (problem,) = check_project(write(tmp_path, text)).problems
    assert problem.message == message


def test_load_project_raises_with_every_problem(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as caught:
        load_project(
            write(tmp_path, VALID.replace("name: penguins", "name: 'bad name!'\ncolour: x"))
        )
    assert len(caught.value.problems) == 2
    assert "colour" in str(caught.value)


def test_unreadable_file(tmp_path: Path) -> None:
    (problem,) = check_project(tmp_path / "missing.yaml").problems
    assert problem.message.startswith("cannot read the file")
