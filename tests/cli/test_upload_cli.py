"""``biovista upload`` and ``biovista samples`` against a real server on loopback, and a
1 GiB upload whose connection is cut mid-way, then resumed without re-sending much."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn
from tests.cutting_proxy import CuttingProxy
from tests.penguins import PROJECT_YAML
from typer.testing import CliRunner

from biovista.api.app import create_app
from biovista.cli.main import app as cli
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

PASSWORD = "a long enough password"
MiB = 2**20
runner = CliRunner()


@dataclass
class Server:
    url: str
    settings: Settings
    admin: dict[str, str]

    def uploads(self) -> Path:
        return self.settings.data_dir / "uploads" / "penguins"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("upload-server")
    settings = Settings(data_dir=root / "data", database_url=f"sqlite:///{root / 'db.sqlite'}")
    api = create_app(settings)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "ada@example.org", PASSWORD, role="admin")
        for name in ("editor", "viewer"):
            create_user(session, f"{name}@example.org", PASSWORD)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    instance = uvicorn.Server(uvicorn.Config(api, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    token = httpx.post(
        f"{url}/api/v1/auth/login", json={"email": "ada@example.org", "password": PASSWORD}
    ).json()["access_token"]
    admin = {"Authorization": f"Bearer {token}"}
    created = httpx.post(
        f"{url}/api/v1/projects",
        content=PROJECT_YAML.replace("./data", "'@uploads'"),
        headers=admin | {"content-type": "application/yaml"},
    )
    assert created.status_code == 201, created.text
    for role in ("editor", "viewer"):
        grant = {"role": role, "user": f"{role}@example.org"}
        httpx.post(f"{url}/api/v1/projects/penguins/members", json=grant, headers=admin)
    httpx.post(f"{url}/api/v1/sample-types", json={"name": "reads"}, headers=admin)
    try:
        yield Server(url, settings, admin)
    finally:
        instance.should_exit = True
        thread.join(timeout=10)


def log_in(url: str, who: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIOVISTA_CONFIG_DIR", str(tmp_path / f"config-{who}"))
    done = runner.invoke(cli, ["login", url, "--email", f"{who}@example.org"], input=PASSWORD)
    assert done.exit_code == 0, done.output


def test_upload_files_to_a_folder_and_a_sample(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_in(server.url, "editor", tmp_path, monkeypatch)
    sheet = tmp_path / "samples.csv"
    sheet.write_text("name,type\nS1,reads\nS2,reads\n")
    imported = runner.invoke(cli, ["samples", "import", "penguins", str(sheet)])
    assert imported.exit_code == 0, imported.output
    assert "2 sample(s) created, 0 updated" in imported.stdout
    files = []
    for name in ("S1_R1.fastq", "S1_R2.fastq"):
        files.append(tmp_path / name)
        files[-1].write_bytes(os.urandom(300_000))
    options = ["-p", "penguins", "--sample", "S1", "--to", "reads/S1/", "--chunk-size", "64KiB"]
    done = runner.invoke(cli, ["upload", *map(str, files), *options, "--json"])
    assert done.exit_code == 0, done.output
    results = json.loads(done.stdout)
    assert [r["path"] for r in results] == ["reads/S1/S1_R1.fastq", "reads/S1/S1_R2.fastq"]
    assert (server.uploads() / "reads/S1/S1_R2.fastq").read_bytes() == files[1].read_bytes()
    assert results[0]["sha256"] == hashlib.sha256(files[0].read_bytes()).hexdigest()
    listed = runner.invoke(cli, ["samples", "list", "penguins", "--json"])
    by_name = {s["name"]: s for s in json.loads(listed.stdout)}
    assert [f["path"] for f in by_name["S1"]["files"]] == [r["path"] for r in results]
    table = runner.invoke(cli, ["samples", "list", "penguins"])
    assert "S2" in table.stdout


def test_failures_are_one_clear_line(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_in(server.url, "viewer", tmp_path, monkeypatch)
    data = tmp_path / "a.txt"
    data.write_text("hello\n")
    refused = runner.invoke(cli, ["upload", str(data), "-p", "penguins"])
    assert refused.exit_code == 1
    assert "your role on project 'penguins' is viewer" in refused.stderr
    assert "Traceback" not in refused.output
    unsafe = runner.invoke(cli, ["upload", str(data), "-p", "penguins", "--to", "../a.txt"])
    assert unsafe.exit_code == 2
    assert "upload path '../a.txt'" in unsafe.stderr
    log_in(server.url, "editor", tmp_path, monkeypatch)
    sheet = tmp_path / "bad.csv"
    sheet.write_text("name,type\nX1,nope\n")
    bad = runner.invoke(cli, ["samples", "import", "penguins", str(sheet)])
    assert bad.exit_code == 2
    assert "type, line 2: unknown sample type 'nope'" in bad.stderr


def biovista(arguments: list[str]) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, as a person runs it (and off this one's GIL)."""
    command = [sys.executable, "-m", "biovista", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow
def test_a_gibibyte_survives_a_cut_connection(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cut after ~400 MB: the first ``biovista upload`` gives up with one line, the same
    command run again sends only the rest, and the server checks the whole file's SHA-256."""
    big = tmp_path / "big.bin"
    digest = hashlib.sha256()
    with big.open("wb") as handle:
        for _ in range(128):
            block = os.urandom(8 * MiB)
            digest.update(block)
            handle.write(block)
    proxy = CuttingProxy(int(server.url.rsplit(":", 1)[1]))
    try:
        log_in(proxy.url, "editor", tmp_path, monkeypatch)
        proxy.cut_at(400 * 10**6)
        command = ["upload", str(big), "-p", "penguins", "--to", "big/big.bin", "--json"]
        first = biovista([*command, "--retries", "1"])
        assert first.returncode == 1, first.stderr
        assert proxy.cuts == 1
        assert "stopped at byte" in first.stderr
        assert "run the same command again to resume" in first.stderr
        assert "Traceback" not in first.stderr

        proxy.allow()
        before = proxy.sent
        second = biovista(command)
        assert second.returncode == 0, second.stderr
        result = json.loads(second.stdout)[0]
        resent = proxy.sent - before
        assert result["resumed_from"] > 300 * MiB
        assert resent < 700 * MiB, f"{resent / MiB:.0f} MiB sent again"
        assert result["sha256"] == digest.hexdigest()
        stored = server.uploads() / "big/big.bin"
        assert stored.stat().st_size == 2**30
        assert list((server.settings.data_dir / "upload-sessions").glob("*")) == []
    finally:
        proxy.close()
        big.unlink(missing_ok=True)
        (server.uploads() / "big/big.bin").unlink(missing_ok=True)
