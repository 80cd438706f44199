"""``biovista workflow register``, ``biovista run`` and ``biovista execution`` against a
real server: the run is followed to its end and its exit code tells how it went."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.live_server import live_server
from typer.testing import CliRunner

from biovista.api.app import create_app
from biovista.cli.main import app as cli
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

PASSWORD = "a long enough password"
DATA = Path(__file__).resolve().parents[1] / "data" / "workflows"
runner = CliRunner()


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("BIOVISTA_CONFIG_DIR", str(tmp_path / "config"))
    settings = Settings(data_dir=tmp_path / "server-data", task_heartbeat_seconds=0.2)
    api = create_app(settings)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "ada@example.org", PASSWORD, role="admin")
    with live_server(api) as url:
        logged_in = runner.invoke(
            cli,
            ["login", url, "--email", "ada@example.org", "--scope", "admin"],
            input=PASSWORD + "\n",
        )
        assert logged_in.exit_code == 0, logged_in.output
        yield url
    api.state.tasks.shutdown()


def add_samples(tmp_path: Path) -> None:
    """As docs/pipelines.md does it: a sample type, a sheet of samples, their files."""
    attributes = tmp_path / "colony.yaml"
    attributes.write_text("- {name: island, required: true, allowed: [Biscoe, Dream, Torgersen]}\n")
    created = runner.invoke(
        cli, ["sample-type", "create", "colony", "--attributes", str(attributes)]
    )
    assert created.exit_code == 0, created.output
    assert "sample type colony created (island)" in created.output
    assert "island*" in runner.invoke(cli, ["sample-type", "list"]).output
    sheet = tmp_path / "samples.csv"
    sheet.write_text("name,type,island\ncolony_a,colony,Torgersen\ncolony_b,colony,Biscoe\n")
    imported = runner.invoke(cli, ["samples", "import", "penguin-summary", str(sheet)])
    assert imported.exit_code == 0, imported.output
    for name in ("colony_a", "colony_b"):
        sent = runner.invoke(
            cli,
            [
                "upload",
                str(DATA / "samples" / f"{name}.csv"),
                "-p",
                "penguin-summary",
                "--sample",
                name,
            ],
        )
        assert sent.exit_code == 0, sent.output


def test_register_run_and_follow(server: str, tmp_path: Path) -> None:
    registered = runner.invoke(cli, ["workflow", "register", str(DATA / "penguin-summary")])
    assert registered.exit_code == 0, registered.output
    assert "penguin-summary (snakemake) registered for project penguin-summary" in (
        registered.output
    )
    listed = runner.invoke(cli, ["workflow", "list"])
    assert "min_mass" in listed.output
    add_samples(tmp_path)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("sample,comment\ncolony_a,first\ncolony_b,second\n")

    ran = runner.invoke(cli, ["run", "penguin-summary", "--samples", str(sheet), "-p", "digits=2"])
    assert ran.exit_code == 0, ran.output
    assert "succeeded; outputs ingested" in ran.output
    assert "summarise" in ran.output and "colony_b" in ran.output
    execution = re.search(r"execution ([0-9a-f-]{36}) of penguin-summary queued", ran.output)
    assert execution is not None
    outputs = tmp_path / "outputs.zip"
    fetched = runner.invoke(
        cli,
        ["download", "penguin-summary", "--execution", execution[1], "-o", str(outputs)],
    )
    assert fetched.exit_code == 0, fetched.output
    with zipfile.ZipFile(outputs) as archive:
        names = archive.namelist()
        assert any(n.endswith("colony_b/summary.csv") for n in names), names
        summary = next(n for n in names if n.endswith("colony_a/summary.csv"))
        assert archive.read(summary).decode().startswith("sample,species,birds")
    samples_zip = tmp_path / "samples.zip"
    fetched = runner.invoke(
        cli, ["download", "penguin-summary", "-s", "colony_a", "-o", str(samples_zip)]
    )
    assert fetched.exit_code == 0, fetched.output
    with zipfile.ZipFile(samples_zip) as archive:
        original = (DATA / "samples" / "colony_a.csv").read_bytes()
        assert original in [archive.read(n) for n in archive.namelist()]
    unclear = runner.invoke(cli, ["download", "penguin-summary"])
    assert unclear.exit_code == 2
    assert "choose one of --sample, --all-samples or --execution" in unclear.output

    failed = runner.invoke(
        cli,
        [
            "run",
            "penguin-summary",
            "-s",
            "colony_a",
            "-s",
            "colony_b",
            "-p",
            "fail_sample=colony_b",
        ],
    )
    assert failed.exit_code == 1
    assert "failed" in failed.output and "--- stderr of summarise" in failed.output
    assert "colony_b" in failed.output

    bad = runner.invoke(cli, ["run", "penguin-summary", "-s", "colony_a", "-p", "digits"])
    assert bad.exit_code == 2
    assert "--param 'digits': expected NAME=VALUE" in bad.output
    unknown = runner.invoke(cli, ["run", "penguin-summary", "-s", "colony_a", "-p", "digitz=1"])
    assert unknown.exit_code != 0 and "digitz" in unknown.output
    assert "Traceback" not in unknown.output
