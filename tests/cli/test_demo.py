"""``biovista demo`` seeds both demo projects, ingests them, and serves them over HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.slow
def test_demo_serves_seeded_projects(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "BIOVISTA_DATA_DIR": str(tmp_path / "data")}
    server = subprocess.Popen(
        [sys.executable, "-m", "biovista", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        projects = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and server.poll() is None:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/v1/projects", timeout=2)
            except httpx.TransportError:
                time.sleep(0.3)
                continue
            projects = {p["name"]: p for p in response.json()}
            break
        assert projects is not None, server.stdout.read().decode() if server.stdout else ""
        assert httpx.get(f"http://127.0.0.1:{port}/health").json()["status"] == "ok"
        penguins = {c["name"]: c["rows"] for c in projects["penguins"]["collections"]}
        assert penguins == {"demographics": 342, "physical": 342, "plots": 12}
        qc = {c["name"]: c["rows"] for c in projects["ampliseq-qc"]["collections"]}
        assert qc["general_stats"] == 36
        assert qc["sequence_counts"] == 48
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_demo_can_run_twice_without_serving(tmp_path: Path) -> None:
    env = {**os.environ, "BIOVISTA_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "biovista", "demo", "--no-serve"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    project_file = tmp_path / "data" / "demo" / "penguins.yaml"
    check = subprocess.run(
        [sys.executable, "-m", "biovista", "ingest", str(project_file), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    physical = json.loads(check.stdout)["collections"]["physical"]
    assert (physical["files_read"], physical["files_skipped"], physical["version"]) == (0, 3, 0)
