"""Ingestion on the real penguins runs: incremental, atomic per collection, bad files isolated."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import select

from biovista.config import Settings
from biovista.db.models import Ingestion, SourceFile
from biovista.db.session import session_scope
from biovista.models.loader import LoadedProject, load_project
from biovista.services.ingest.run import ingest_project
from biovista.services.projects.catalog import get_project
from biovista.storage.sources import LocalSource
from biovista.storage.tables import TableStore
from tests.penguins import PROJECT_YAML, ROWS_PER_RUN, make_project


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project").parent


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "store", database_url=database_url)


@pytest.fixture
def loaded(project_dir: Path) -> LoadedProject:
    return load_project(project_dir / "project.yaml")


def table(settings: Settings, collection: str) -> pl.DataFrame:
    with session_scope(settings.resolved_database_url) as session:
        project = get_project(session, "penguins")
        key = next(c.table_key for c in project.collections if c.name == collection)
    return TableStore(settings).scan(key).collect()


def version(settings: Settings, collection: str) -> int | None:
    with session_scope(settings.resolved_database_url) as session:
        project = get_project(session, "penguins")
        return next(c.delta_version for c in project.collections if c.name == collection)


def test_first_ingest_reads_every_run(settings: Settings, loaded: LoadedProject) -> None:
    report = ingest_project(loaded, settings)

    assert report.status == "succeeded"
    physical = report.collections["physical"]
    assert (physical.files_read, physical.files_skipped, physical.files_failed) == (3, 0, 0)
    assert physical.total_rows == sum(ROWS_PER_RUN.values()) == 342
    rows = table(settings, "physical")
    assert rows.height == 342
    assert rows.group_by("_run").len().sort("_run").rows() == sorted(ROWS_PER_RUN.items())
    assert rows.schema["body_mass_g"] == pl.Float64
    assert rows.schema["individual_id"] == pl.String
    adelie_1 = rows.filter(pl.col("individual_id") == "adelie_1").row(0, named=True)
    assert adelie_1["body_mass_g"] == 3750.0
    assert adelie_1["run"] == "1"
    assert adelie_1["species"] == "adelie"
    assert adelie_1["_file"] == "run_1_adelie/physical_features.csv"


def test_file_column_wins_over_run_group(settings: Settings, loaded: LoadedProject) -> None:
    ingest_project(loaded, settings)
    demographics = table(settings, "demographics")
    # demographic_data.csv has its own 'species' column ("Adelie"); it is not overwritten.
    first = demographics.filter(pl.col("individual_id") == "adelie_1").row(0, named=True)
    assert first["species"] == "Adelie"
    assert first["run"] == "1"


def test_source_files_record_content_hashes(
    settings: Settings, loaded: LoadedProject, project_dir: Path
) -> None:
    ingest_project(loaded, settings)
    path = "run_2_chinstrap/physical_features.csv"
    content = (project_dir / "data" / path).read_bytes()
    with session_scope(settings.resolved_database_url) as session:
        record = session.scalars(select(SourceFile).where(SourceFile.path == path)).one()
        assert record.sha256 == hashlib.sha256(content).hexdigest()
        assert record.row_count == 68
        assert record.run is not None
        assert record.run.attributes == {"run": "2", "species": "chinstrap"}


def test_unchanged_files_are_neither_hashed_nor_read(
    settings: Settings, loaded: LoadedProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_project(loaded, settings)
    before = version(settings, "physical")
    hashed: list[str] = []
    original = LocalSource.sha256

    def counting(self: LocalSource, path: str) -> str:
        hashed.append(path)
        return original(self, path)

    monkeypatch.setattr(LocalSource, "sha256", counting)
    report = ingest_project(loaded, settings)

    assert hashed == []
    assert report.collections["physical"].files_skipped == 3
    assert report.collections["physical"].files_read == 0
    assert version(settings, "physical") == before


def test_touched_file_is_hashed_but_not_rewritten(
    settings: Settings, loaded: LoadedProject, project_dir: Path
) -> None:
    ingest_project(loaded, settings)
    before = version(settings, "physical")
    target = project_dir / "data" / "run_1_adelie" / "physical_features.csv"
    stat = target.stat()
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))

    report = ingest_project(loaded, settings)

    assert report.collections["physical"].files_read == 0
    assert version(settings, "physical") == before
    with session_scope(settings.resolved_database_url) as session:
        record = session.scalar(
            select(SourceFile).where(SourceFile.path == "run_1_adelie/physical_features.csv")
        )
        assert record is not None and record.mtime_ns == stat.st_mtime_ns + 5_000_000_000


def test_changed_file_replaces_only_its_own_rows(
    settings: Settings, loaded: LoadedProject, project_dir: Path
) -> None:
    ingest_project(loaded, settings)
    untouched_before = table(settings, "physical").filter(pl.col("_run") != "run_2_chinstrap")
    target = project_dir / "data" / "run_2_chinstrap" / "physical_features.csv"
    lines = target.read_text().splitlines()
    target.write_text("\n".join(lines[:11]) + "\n")  # keep the header and 10 rows

    report = ingest_project(loaded, settings)

    physical = report.collections["physical"]
    assert (physical.files_read, physical.files_skipped, physical.rows_written) == (1, 2, 10)
    rows = table(settings, "physical")
    assert rows.height == 151 + 10 + 123
    assert physical.total_rows == rows.height
    untouched_after = rows.filter(pl.col("_run") != "run_2_chinstrap")
    assert untouched_after.sort("individual_id").equals(untouched_before.sort("individual_id"))


def test_deleted_file_loses_its_rows(
    settings: Settings, loaded: LoadedProject, project_dir: Path
) -> None:
    ingest_project(loaded, settings)
    (project_dir / "data" / "run_3_gentoo" / "demographic_data.csv").unlink()

    report = ingest_project(loaded, settings)

    demographics = report.collections["demographics"]
    assert demographics.files_removed == 1
    rows = table(settings, "demographics")
    assert rows.height == 151 + 68
    assert "run_3_gentoo" not in rows["_run"].to_list()
    with session_scope(settings.resolved_database_url) as session:
        paths = set(session.scalars(select(SourceFile.path)))
    assert "run_3_gentoo/demographic_data.csv" not in paths


def test_bad_file_is_reported_and_the_others_are_written(
    settings: Settings, loaded: LoadedProject, project_dir: Path
) -> None:
    bad = project_dir / "data" / "run_4_emperor"
    bad.mkdir()
    (bad / "physical_features.csv").write_text(
        "individual_id,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g\n"
        "emperor_1,50.1,17.0,210.0,22000\n"
        "emperor_2,51.0,17.5,212.0,heavy\n"
    )

    report = ingest_project(loaded, settings)

    physical = report.collections["physical"]
    assert report.status == "partial"
    assert (physical.files_read, physical.files_failed) == (3, 1)
    failure = physical.failures[0]
    assert failure.path == "run_4_emperor/physical_features.csv"
    assert (failure.line, failure.column) == (3, "body_mass_g")
    assert "'heavy' is not a valid number" in failure.reason
    rows = table(settings, "physical")
    assert rows.height == 342
    assert rows.filter(pl.col("_run") == "run_4_emperor").height == 0
    with session_scope(settings.resolved_database_url) as session:
        ingestion = session.scalars(select(Ingestion)).one()
        assert ingestion.status == "partial"
        assert ingestion.report["collections"]["physical"]["failures"][0]["line"] == 3


def test_fixed_file_is_picked_up_next_time(
    settings: Settings, loaded: LoadedProject, project_dir: Path
) -> None:
    bad = project_dir / "data" / "run_4_emperor"
    bad.mkdir()
    target = bad / "physical_features.csv"
    target.write_text("individual_id,body_mass_g\nemperor_1,heavy\n")
    ingest_project(loaded, settings)
    target.write_text("individual_id,body_mass_g\nemperor_1,22000\n")

    report = ingest_project(loaded, settings)

    assert report.status == "succeeded"
    assert report.collections["physical"].files_read == 1
    emperor = table(settings, "physical").filter(pl.col("_run") == "run_4_emperor")
    assert emperor["body_mass_g"].to_list() == [22000.0]
    assert emperor["bill_length_mm"].to_list() == [None]


def test_changed_file_that_turned_bad_keeps_its_old_rows(
    settings: Settings, loaded: LoadedProject, project_dir: Path
) -> None:
    ingest_project(loaded, settings)
    target = project_dir / "data" / "run_1_adelie" / "physical_features.csv"
    target.write_text(target.read_text() + "adelie_x,1,2,3,not-a-mass\n")

    report = ingest_project(loaded, settings)

    assert report.collections["physical"].files_failed == 1
    assert report.collections["physical"].failures[0].line == 153
    rows = table(settings, "physical")
    assert rows.filter(pl.col("_run") == "run_1_adelie").height == 151
    assert report.collections["physical"].total_rows == 342


def test_type_conflict_with_the_table_fails_only_that_file(
    settings: Settings, loaded: LoadedProject, project_dir: Path
) -> None:
    ingest_project(loaded, settings)
    extra = project_dir / "data" / "run_5_king"
    extra.mkdir()
    (extra / "demographic_data.csv").write_text(
        "individual_id,island,sex,year,species\nking_1,Biscoe,male,last year,King\n"
    )

    report = ingest_project(loaded, settings)

    failure = report.collections["demographics"].failures[0]
    assert (failure.line, failure.column) == (2, "year")
    assert "'last year' is not a valid integer" in failure.reason


def test_new_column_is_added_to_the_table(
    settings: Settings, loaded: LoadedProject, project_dir: Path
) -> None:
    ingest_project(loaded, settings)
    extra = project_dir / "data" / "run_6_macaroni"
    extra.mkdir()
    (extra / "physical_features.csv").write_text(
        "individual_id,body_mass_g,crest_length_mm\nmacaroni_1,5200,41.5\n"
    )

    ingest_project(loaded, settings)

    rows = table(settings, "physical")
    assert rows.height == 343
    assert rows.filter(pl.col("individual_id") == "macaroni_1")["crest_length_mm"].to_list() == [
        41.5
    ]
    assert rows.filter(pl.col("individual_id") == "adelie_1")["crest_length_mm"].to_list() == [None]


def test_full_rebuild_rewrites_everything(settings: Settings, loaded: LoadedProject) -> None:
    ingest_project(loaded, settings)
    before = version(settings, "physical")

    report = ingest_project(loaded, settings, full=True)

    assert report.collections["physical"].files_read == 3
    assert report.collections["physical"].files_skipped == 0
    assert version(settings, "physical") == (before or 0) + 1
    assert table(settings, "physical").height == 342


def test_single_file_collection(settings: Settings, project_dir: Path) -> None:
    (project_dir / "samples.tsv").write_text("sample\tsite\nadelie_1\tTorgersen\nadelie_2\tDream\n")
    with_sheet = PROJECT_YAML.replace("links:", "  sheet:\n    path: samples.tsv\nlinks:")
    (project_dir / "project.yaml").write_text(with_sheet)
    loaded = load_project(project_dir / "project.yaml")

    report = ingest_project(loaded, settings)

    assert report.collections["sheet"].files_read == 1
    sheet = table(settings, "sheet")
    assert sheet.select("sample", "site").rows() == [
        ("adelie_1", "Torgersen"),
        ("adelie_2", "Dream"),
    ]
    assert sheet["_run"].to_list() == [None, None]


def test_missing_runs_root_is_a_collection_error(settings: Settings, project_dir: Path) -> None:
    shutil.rmtree(project_dir / "data")
    report = ingest_project(load_project(project_dir / "project.yaml"), settings)
    assert report.status == "failed"
    assert "is not a folder" in (report.collections["physical"].error or "")
