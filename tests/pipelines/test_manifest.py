"""Workflow manifests: typed parameters, defaults, and every mistake named with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from biovista.errors import InvalidInputError
from biovista.pipelines.manifest import Manifest, load_manifest

FIXTURE = Path(__file__).parents[1] / "data" / "workflows" / "penguin-summary"

VALID = """\
name: penguin-summary
engine: snakemake
description: Summarise each sample's measurements
parameters:
  - {name: min_mass, type: float, default: 3000, description: Lightest bird kept}
  - {name: species, type: choice, choices: [adelie, gentoo], required: true}
  - {name: repeats, type: int, default: 2}
  - {name: verbose, type: bool, default: false}
  - {name: label, type: str}
"""


def write(tmp_path: Path, text: str, *files: str) -> Path:
    (tmp_path / "biovista-workflow.yaml").write_text(text)
    for name in ("Snakefile", *files):
        (tmp_path / name).write_text("")
    return tmp_path


def problems(tmp_path: Path, text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(InvalidInputError) as caught:
        load_manifest(write(tmp_path, text))
    assert "biovista-workflow.yaml" in str(caught.value)
    return [(p.line, p.where, p.message) for p in caught.value.problems]


def test_the_fixture_workflow_loads() -> None:
    manifest = load_manifest(FIXTURE)
    assert (manifest.name, manifest.engine, manifest.entry) == (
        "penguin-summary",
        "snakemake",
        "Snakefile",
    )
    assert (manifest.samples_sheet, manifest.outputs, manifest.project) == (
        "samples.csv",
        "results",
        "project.yaml",
    )
    assert [p["name"] for p in manifest.parameter_schema()] == [
        "min_mass",
        "digits",
        "fail_sample",
        "sleep",
    ]


def test_defaults_and_schema(tmp_path: Path) -> None:
    manifest = load_manifest(write(tmp_path, VALID))
    assert manifest.entry == "Snakefile"
    assert manifest.parameter_schema()[:2] == [
        {
            "name": "min_mass",
            "type": "float",
            "default": 3000.0,
            "description": "Lightest bird kept",
            "required": False,
            "choices": None,
        },
        {
            "name": "species",
            "type": "choice",
            "default": None,
            "description": "",
            "required": True,
            "choices": ["adelie", "gentoo"],
        },
    ]
    nextflow = Manifest.model_validate({"name": "nf", "engine": "nextflow"})
    assert (nextflow.entry, nextflow.samples_sheet, nextflow.outputs) == (
        "main.nf",
        "samples.csv",
        "results",
    )


def test_coerce_converts_strings_and_fills_defaults(tmp_path: Path) -> None:
    manifest = load_manifest(write(tmp_path, VALID))
    values = manifest.coerce({"species": " gentoo", "min_mass": "3.5e3", "verbose": "TRUE"})
    assert values == {"min_mass": 3500.0, "species": "gentoo", "repeats": 2, "verbose": True}
    assert manifest.coerce({"species": "adelie", "repeats": 4.0, "label": 7}) == {
        "min_mass": 3000.0,
        "species": "adelie",
        "repeats": 4,
        "verbose": False,
        "label": "7",
    }


def test_coerce_names_every_bad_parameter(tmp_path: Path) -> None:
    manifest = load_manifest(write(tmp_path, VALID))
    with pytest.raises(InvalidInputError) as caught:
        manifest.coerce({"min_mas": "1", "repeats": "2.5", "verbose": "perhaps"})
    found = [(p.where, p.message, p.suggestion) for p in caught.value.problems]
    assert found == [
        ("min_mas", "unknown parameter 'min_mas'", "did you mean 'min_mass'?"),
        ("species", "parameter 'species' is required", None),
        ("repeats", "parameter 'repeats' must be a whole number; got '2.5'", None),
        ("verbose", "parameter 'verbose' must be true or false; got 'perhaps'", None),
    ]
    with pytest.raises(InvalidInputError, match="must be one of adelie, gentoo; got 'chinstrap'"):
        manifest.coerce({"species": "chinstrap"})
    with pytest.raises(InvalidInputError, match="'min_mass' must be a finite number"):
        manifest.coerce({"species": "adelie", "min_mass": "nan"})


def test_mistakes_are_reported_with_their_lines(tmp_path: Path) -> None:
    text = (
        VALID.replace("name: penguin-summary", "name: Penguin Summary")
        .replace("engine: snakemake", "engine: snakemak")
        .replace("description: Summarise", "descripton: Summarise")
        .replace("type: float, default: 3000", "type: flaot, default: 3000")
        .replace("type: int, default: 2", "type: int, default: two")
        .replace("type: choice, choices: [adelie, gentoo]", "type: choice")
    )
    found = problems(tmp_path, text)
    assert [(line, where) for line, where, _ in found] == [
        (1, "name"),
        (2, "engine"),
        (3, "descripton"),
        (5, "parameters.0.type"),
        (6, "parameters.1.choices"),
        (7, "parameters.2.default"),
    ]
    messages = [message for _, _, message in found]
    assert "use lowercase letters, digits and '-'" in messages[0]
    assert messages[1] == "unknown value 'snakemak'; one of: snakemake, nextflow"
    assert "unknown parameter type 'flaot'" in messages[3] and "did you mean 'float'" in messages[3]
    assert "needs a non-empty list of 'choices'" in messages[4]
    assert messages[5] == "parameter 'repeats' must be a whole number; got 'two'"


def test_yaml_syntax_and_missing_files(tmp_path: Path) -> None:
    assert problems(tmp_path, "name: x\nengine: [snakemake\n") == [
        (3, "", "not valid YAML: did not find expected ',' or ']'")
    ]
    text = "name: x\nengine: snakemake\nentry: workflow/Snakefile\nproject: project.yaml\n"
    assert [(line, where) for line, where, _ in problems(tmp_path, text)] == [
        (3, "entry"),
        (4, "project"),
    ]
    with pytest.raises(InvalidInputError, match=r"no biovista-workflow\.yaml"):
        load_manifest(tmp_path / "elsewhere")


def test_paths_must_stay_inside(tmp_path: Path) -> None:
    text = "name: x\nengine: snakemake\nsamples_sheet: ../s.csv\noutputs: /tmp/out\n"
    found = problems(tmp_path, text)
    assert [(line, where) for line, where, _ in found] == [(3, "samples_sheet"), (4, "outputs")]
    assert "plain file name" in found[0][2] and "relative path inside" in found[1][2]
