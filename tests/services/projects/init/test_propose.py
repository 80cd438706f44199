"""``propose_project`` on real outputs: the draft must load, scan and describe them correctly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from biovista.config import get_settings
from biovista.errors import InvalidInputError
from biovista.models.loader import load_project
from biovista.models.project import ProjectConfig
from biovista.services.projects.init.patterns import run_pattern
from biovista.services.projects.init.propose import propose_project, render_yaml, survey
from biovista.storage.scan import scan_project

DATA = Path(__file__).parents[3] / "data"
PENGUIN_RUNS = {
    "run_1_adelie": ("1", "adelie"),
    "run_2_chinstrap": ("2", "chinstrap"),
    "run_3_gentoo": ("3", "gentoo"),
}


@pytest.fixture
def scaffold_penguins(tmp_path: Path) -> Path:
    """A private copy of the penguin runs, so tests may add files next to them."""
    return Path(shutil.copytree(DATA / "penguins", tmp_path / "penguins"))


@pytest.fixture
def scaffold_multiqc_runs(tmp_path: Path) -> Path:
    """Two runs, each with the ampliseq MultiQC report where MultiQC writes it."""
    root = tmp_path / "ampliseq"
    for run in ("run_a", "run_b"):
        (root / run / "multiqc_data").mkdir(parents=True)
        shutil.copy(DATA / "multiqc/ampliseq/multiqc.parquet", root / run / "multiqc_data")
    return root


def test_run_pattern_matches_every_run_and_names_its_parts(scaffold_penguins: Path) -> None:
    config = propose_project(scaffold_penguins)

    assert config.name == "penguins"
    assert config.runs is not None
    assert config.runs.root == "."
    pattern = re.compile(config.runs.pattern)
    assert list(pattern.groupindex) == ["run", "name"]
    for folder, expected in PENGUIN_RUNS.items():
        found = pattern.fullmatch(folder)
        assert found is not None, folder
        assert found.groups() == expected
    assert pattern.fullmatch("run_4_emperor") is not None  # a new run needs no edit


def test_two_collections_with_inferred_types(scaffold_penguins: Path) -> None:
    config = propose_project(scaffold_penguins)

    assert list(config.collections) == ["demographic_data", "physical_features"]
    demographics = config.collections["demographic_data"]
    physical = config.collections["physical_features"]
    assert demographics.files == r"demographic_data\.csv"
    assert physical.files == r"physical_features\.csv"
    assert {n: c.type for n, c in demographics.columns.items()} == {
        "individual_id": "str",
        "island": "str",
        "sex": "str",
        "year": "int",
        "species": "str",
    }
    assert physical.columns["body_mass_g"].type == "float"
    assert physical.columns["body_mass_g"].unit == "g"
    assert physical.columns["individual_id"].type == "str"
    assert all(column.required for column in physical.columns.values())


def test_run_groups_never_shadow_columns(scaffold_penguins: Path) -> None:
    config = propose_project(scaffold_penguins)

    columns = {c for collection in config.collections.values() for c in collection.columns}
    assert not set(config.run_columns()) & columns
    assert run_pattern(["run_1_adelie", "run_2_gentoo"], {"run", "name"})[1] == (
        r"run_(?P<run_number>\d+)_(?P<run_name>[A-Za-z]+)"
    )


def test_link_from_demographics_to_physical(scaffold_penguins: Path) -> None:
    config = propose_project(scaffold_penguins)

    assert [(link.source, link.target) for link in config.links] == [
        ("demographic_data.individual_id", "physical_features.individual_id")
    ]


def test_written_yaml_loads_and_scans_every_file(scaffold_penguins: Path, tmp_path: Path) -> None:
    config = propose_project(scaffold_penguins)
    project_file = tmp_path / "projects" / "penguins.yaml"
    project_file.parent.mkdir()

    project_file.write_text(render_yaml(config, "../penguins"))
    loaded = load_project(project_file)
    scan = scan_project(loaded.config, loaded.base_dir, get_settings())

    assert loaded.config.runs is not None
    assert loaded.config.runs.root == "../penguins"
    assert {name: len(files) for name, files in scan.files.items()} == {
        "demographic_data": 3,
        "physical_features": 3,
    }
    assert scan.runs["run_2_chinstrap"] == {"run": "2", "name": "chinstrap"}


def test_yaml_round_trips_through_the_schema(scaffold_penguins: Path) -> None:
    proposal = survey(scaffold_penguins)

    text = render_yaml(proposal.config, ".", proposal.notes)

    assert ProjectConfig.model_validate(yaml.safe_load(text)) == proposal.config
    assert "# 3 files found" in text
    assert "pattern: 'run_(?P<run>\\d+)_(?P<name>[A-Za-z]+)'" in text


def test_top_level_sample_sheet_becomes_a_path_collection(scaffold_penguins: Path) -> None:
    (scaffold_penguins / "samplesheet.csv").write_text(
        "individual_id,batch\nadelie_1,1\nadelie_2,1\nchinstrap_1,2\ngentoo_1,3\n"
    )
    (scaffold_penguins / ".notes.csv").write_text("hidden,file\n1,2\n")
    (scaffold_penguins / "run_1_adelie" / "README").write_text("no known format\n")

    proposal = survey(scaffold_penguins)

    sheet = proposal.config.collections["samplesheet"]
    assert (sheet.path, sheet.files) == ("samplesheet.csv", None)
    assert sheet.columns["batch"].type == "int"
    assert len(proposal.config.collections) == 3
    assert proposal.file_counts == {
        "demographic_data": 3,
        "physical_features": 3,
        "samplesheet": 1,
    }
    links = {(link.source, link.target) for link in proposal.config.links}
    # both sides have one row per id: the tie goes alphabetically
    assert ("demographic_data.individual_id", "samplesheet.individual_id") in links


def test_per_sample_files_form_one_collection(tmp_path: Path) -> None:
    for run in ("batch_1", "batch_2"):
        folder = tmp_path / "out" / run / "counts"
        folder.mkdir(parents=True)
        for sample in ("sample1", "sample2", "sample3"):
            (folder / f"{sample}.counts.tsv").write_text("gene\tcount\nG1\t4\nG2\t7\n")
    (tmp_path / "out" / "batch_1" / "only_here.csv").write_text("a\n1\n")

    proposal = survey(tmp_path / "out")

    counts = proposal.config.collections["counts"]
    assert counts.files == r".*\.counts\.tsv"
    assert {n: c.type for n, c in counts.columns.items()} == {"gene": "str", "count": "int"}
    assert proposal.file_counts == {"counts": 6}
    assert proposal.unused == ["batch_1/only_here.csv"]


def test_multiqc_report_becomes_one_collection_per_table(
    scaffold_multiqc_runs: Path, tmp_path: Path
) -> None:
    config = propose_project(scaffold_multiqc_runs)

    assert config.runs is not None
    general = config.collections["general_stats"]
    assert (general.format, general.options, general.files) == (
        "multiqc",
        {"table": "general_stats"},
        r"multiqc\.parquet",
    )
    assert general.columns["sample"].type == "str"
    assert len(config.collections) > 2
    assert all(c.format == "multiqc" for c in config.collections.values())
    tables = [c.options["table"] for c in config.collections.values()]
    assert len(set(tables)) == len(tables)

    project_file = tmp_path / "ampliseq.yaml"
    project_file.write_text(render_yaml(config, "ampliseq"))
    scan = scan_project(load_project(project_file).config, tmp_path, get_settings())
    assert all(len(files) == 2 for files in scan.files.values())


def test_empty_or_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.md").write_text("nothing to read\n")

    with pytest.raises(InvalidInputError, match="no files biovista can read"):
        propose_project(tmp_path / "empty")
    with pytest.raises(InvalidInputError, match="is not a folder"):
        propose_project(tmp_path / "missing")


def test_invalid_name_is_refused(scaffold_penguins: Path) -> None:
    with pytest.raises(InvalidInputError, match="invalid project name"):
        propose_project(scaffold_penguins, name="no spaces please")
    assert propose_project(scaffold_penguins, name="birds-2024").name == "birds-2024"


def test_workbook_sheets_become_collections(tmp_path: Path) -> None:
    xlsxwriter = pytest.importorskip("xlsxwriter")
    for run in ("r1", "r2"):
        (tmp_path / "qc" / run).mkdir(parents=True)
        book = xlsxwriter.Workbook(str(tmp_path / "qc" / run / "qc.xlsx"))
        samples, lanes = book.add_worksheet("Samples"), book.add_worksheet("Lanes")
        for row, values in enumerate([["sample", "reads"], ["s1", 10], ["s2", 20]]):
            samples.write_row(row, 0, values)
        for row, values in enumerate([["lane", "sample"], [1, "s1"], [2, "s2"], [3, "s1"]]):
            lanes.write_row(row, 0, values)
        book.close()

    config = propose_project(tmp_path / "qc")

    assert {n: (c.format, c.options) for n, c in config.collections.items()} == {
        "samples": ("xlsx", {"sheet": "Samples"}),
        "lanes": ("xlsx", {"sheet": "Lanes"}),
    }
    assert config.collections["lanes"].columns["lane"].type == "int"
    assert [(link.source, link.target) for link in config.links] == [
        ("samples.sample", "lanes.sample")
    ]
