"""The command line against a real server on loopback: login, collections, show, ingest."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.live_server import live_server
from tests.penguins import make_project
from typer.testing import CliRunner

from biovista.api.app import create_app
from biovista.cli.main import app as cli
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

PASSWORD = "a long enough password"
runner = CliRunner()


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("BIOVISTA_CONFIG_DIR", str(tmp_path / "config"))
    settings = Settings(data_dir=tmp_path / "server-data")
    api = create_app(settings)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "ada@example.org", PASSWORD, role="admin")
    with live_server(api) as url:
        yield from _with_project(url, tmp_path)


def _with_project(url: str, tmp_path: Path) -> Iterator[str]:
    token = httpx.post(
        f"{url}/api/v1/auth/login", json={"email": "ada@example.org", "password": PASSWORD}
    ).json()["access_token"]
    project = make_project(tmp_path / "penguins")
    body = project.read_text().replace("./data", str(project.parent / "data"))
    created = httpx.post(
        f"{url}/api/v1/projects",
        content=body,
        headers={"Authorization": f"Bearer {token}", "content-type": "application/yaml"},
    )
    assert created.status_code == 201, created.text
    yield url


def test_login_then_work_remotely(server: str, tmp_path: Path) -> None:
    logged_in = runner.invoke(
        cli, ["login", server, "--email", "ada@example.org"], input=PASSWORD + "\n"
    )
    assert logged_in.exit_code == 0, logged_in.output
    credentials = tmp_path / "config" / "credentials.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert json.loads(credentials.read_text())["token"].startswith("bv_")

    ingested = runner.invoke(cli, ["ingest", "penguins", "--remote", "--json"])
    assert ingested.exit_code == 0, ingested.output
    report = json.loads(ingested.stdout)
    assert report["status"] == "succeeded"
    assert report["collections"]["physical"]["total_rows"] == 342

    listed = json.loads(
        runner.invoke(cli, ["collections", "penguins", "--remote", "--json"]).stdout
    )
    assert {c["name"]: c["rows"] for c in listed} == {"demographics": 342, "physical": 342}
    shown = runner.invoke(
        cli, ["show", "penguins", "physical", "--remote", "--where", "body_mass_g > 6000", "--json"]
    )
    assert sorted(r["individual_id"] for r in json.loads(shown.stdout)) == [
        "gentoo_18",
        "gentoo_34",
    ]

    where = "read_csv('/etc/passwd') IS NOT NULL"
    refused = runner.invoke(cli, ["show", "penguins", "physical", "--remote", "--where", where])
    assert refused.exit_code == 2
    assert refused.stderr == (
        "error: where: unexpected 'read_csv' at column 1: function calls are not allowed\n"
    )

    missing = runner.invoke(cli, ["show", "penguins", "physicl", "--remote"])
    assert missing.exit_code == 1
    assert "physicl" in missing.stderr

    kept = json.loads(credentials.read_text())["token"]
    assert runner.invoke(cli, ["logout"]).exit_code == 0
    assert not credentials.exists()
    revoked = httpx.get(f"{server}/api/v1/users/me", headers={"Authorization": f"Bearer {kept}"})
    assert revoked.status_code == 401
    after = runner.invoke(cli, ["collections", "penguins", "--remote"])
    assert after.exit_code == 1
    assert "not logged in" in after.stderr


def test_wrong_password_and_unreachable_server(server: str) -> None:
    wrong = runner.invoke(cli, ["login", server, "--email", "ada@example.org"], input="nope\n")
    assert wrong.exit_code == 1
    assert "wrong e-mail or password" in wrong.stderr
    gone = runner.invoke(cli, ["login", "http://127.0.0.1:9", "--token", "bv_x_y"])
    assert gone.exit_code == 1
    assert "cannot reach http://127.0.0.1:9" in gone.stderr
