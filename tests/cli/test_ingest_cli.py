"""The ingest, collections and show commands as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.penguins import PROJECT_YAML, make_project
from typer.testing import CliRunner

from biovista.cli.main import app


@pytest.fixture
def cli_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BIOVISTA_DATA_DIR", str(tmp_path / "store"))
    from biovista.config import get_settings

    get_settings.cache_clear()
    return make_project(tmp_path)


runner = CliRunner()


def test_ingest_json_summary(cli_project: Path) -> None:
    result = runner.invoke(app, ["ingest", str(cli_project), "--json"])

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["status"] == "succeeded"
    physical = summary["collections"]["physical"]
    assert (physical["files_read"], physical["files_skipped"], physical["files_failed"]) == (
        3,
        0,
        0,
    )
    assert physical["total_rows"] == 342

    again = json.loads(runner.invoke(app, ["ingest", str(cli_project), "--json"]).stdout)
    assert again["collections"]["physical"]["files_skipped"] == 3
    assert again["collections"]["physical"]["files_read"] == 0


def test_ingest_reports_a_bad_file_and_exits_1(cli_project: Path) -> None:
    bad = cli_project.parent / "data" / "run_4_emperor"
    bad.mkdir()
    (bad / "physical_features.csv").write_text("individual_id,body_mass_g\ne1,12\ne2,heavy\n")

    result = runner.invoke(app, ["ingest", str(cli_project)])

    assert result.exit_code == 1
    assert "run_4_emperor/physical_features.csv:3, column 'body_mass_g'" in result.stderr
    assert "'heavy' is not a valid number" in result.stderr


def test_ingest_rejects_an_invalid_project_file(cli_project: Path) -> None:
    cli_project.write_text(PROJECT_YAML.replace("name: penguins", "name: penguins\ncolour: blue"))

    result = runner.invoke(app, ["ingest", str(cli_project)])

    assert result.exit_code == 2
    assert "colour" in result.stderr
    assert "Traceback" not in result.output


def test_collections_lists_rows_schema_and_runs(cli_project: Path) -> None:
    runner.invoke(app, ["ingest", str(cli_project)])

    result = runner.invoke(app, ["collections", "penguins", "--json"])

    assert result.exit_code == 0, result.output
    by_name = {c["name"]: c for c in json.loads(result.stdout)}
    assert by_name["physical"]["rows"] == 342
    assert by_name["physical"]["runs"] == ["run_1_adelie", "run_2_chinstrap", "run_3_gentoo"]
    types = {c["name"]: c["type"] for c in by_name["physical"]["columns"]}
    assert types["body_mass_g"] == "Float64"
    assert types["_file"] == "String"


def test_show_filters_and_limits(cli_project: Path) -> None:
    runner.invoke(app, ["ingest", str(cli_project)])

    result = runner.invoke(
        app,
        ["show", str(cli_project), "physical", "--where", "body_mass_g > 6000", "--json"],
    )

    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert sorted(r["individual_id"] for r in rows) == ["gentoo_18", "gentoo_34"]
    limited = json.loads(
        runner.invoke(app, ["show", "penguins", "physical", "-n", "5", "--json"]).stdout
    )
    assert len(limited) == 5


def test_show_explains_a_bad_filter(cli_project: Path) -> None:
    runner.invoke(app, ["ingest", str(cli_project)])

    result = runner.invoke(app, ["show", "penguins", "physical", "--where", "body_mass_g >"])
    unknown = runner.invoke(app, ["show", "penguins", "physical", "--where", "body_mass > 1"])

    assert result.exit_code == 2
    assert result.stderr == "error: where: the condition stops after '>' at column 13\n"
    assert unknown.exit_code == 2
    assert "unknown column 'body_mass' at column 1: did you mean 'body_mass_g'?" in unknown.stderr
    assert "individual_id" in unknown.stderr  # and the columns there are


def test_show_refuses_a_function_call_in_where(cli_project: Path) -> None:
    runner.invoke(app, ["ingest", str(cli_project)])
    key = cli_project.parent / "store" / "keys"
    where = f"individual_id IN (SELECT * FROM read_csv('{key}/signing.pem'))"

    for text, expected in [
        ("read_csv('/etc/passwd') IS NOT NULL", "unexpected 'read_csv' at column 1: function"),
        (where, "unexpected 'SELECT' at column 19: subqueries are not allowed"),
    ]:
        result = runner.invoke(app, ["show", "penguins", "physical", "--where", text])

        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.startswith(f"error: where: {expected}")
        assert result.stderr.count("\n") == 1  # one line, no traceback


def test_show_unknown_project_and_collection(cli_project: Path) -> None:
    runner.invoke(app, ["ingest", str(cli_project)])

    missing_project = runner.invoke(app, ["show", "pinguins", "physical"])
    missing_collection = runner.invoke(app, ["show", "penguins", "physicl"])

    assert missing_project.exit_code == 1
    assert "no project named 'pinguins'; known projects: penguins" in missing_project.stderr
    assert missing_collection.exit_code == 1
    assert "has no collection 'physicl'" in missing_collection.stderr
