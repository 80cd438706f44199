"""``biovista serve`` as a process of its own on a free loopback port, for tests that must
meet the server as a client does: its own interpreter, threads and pools, not the test's.

Seed the database before starting (``create_user`` on the same URL works, the server only
reads it); the server's output goes to ``server.log`` in its folder and is shown when it
fails to start.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from biovista.config import Settings
from tests.live_server import free_port
from tests.penguins import PROJECT_YAML

PASSWORD = "a long enough password"
_SERVE = ["biovista", "serve"]
_UVICORN = ["uvicorn", "--factory", "biovista.api.app:create_app", "--host", "127.0.0.1"]


@dataclass(frozen=True)
class ServerProcess:
    url: str
    settings: Settings
    process: subprocess.Popen[bytes]
    log: Path

    def login(self, email: str, password: str = PASSWORD) -> dict[str, str]:
        """Authorization headers for ``email`` (logged in over HTTP)."""
        answer = httpx.post(
            f"{self.url}/api/v1/auth/login",
            json={"email": email, "password": password},
            timeout=30,
        )
        answer.raise_for_status()
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def create_uploads_project(self, admin: dict[str, str]) -> None:
        """The penguins project, rooted in its own uploads folder, made over HTTP by ``admin``
        (a project file naming server folders is for server admins)."""
        created = httpx.post(
            f"{self.url}/api/v1/projects",
            content=PROJECT_YAML.replace("./data", "'@uploads'"),
            headers=admin | {"content-type": "application/yaml"},
            timeout=30,
        )
        assert created.status_code == 201, created.text

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def server_settings(root: Path, database_url: str | None = None) -> Settings:
    """Settings for a server kept in ``root`` (SQLite there unless ``database_url``)."""
    return Settings(
        data_dir=root / "data", database_url=database_url or f"sqlite:///{root / 'biovista.db'}"
    )


@contextmanager
def serve_process(
    settings: Settings,
    env: dict[str, str] | None = None,
    startup_seconds: float = 60,
    factory: bool = False,
) -> Iterator[ServerProcess]:
    """Run ``biovista serve`` with ``settings`` (and extra ``BIOVISTA_*`` in ``env``); or,
    with ``factory``, ``uvicorn --factory biovista.api.app:create_app`` on the same settings."""
    port = free_port()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log = settings.data_dir.parent / f"server-{port}.log"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BIOVISTA_")}
    environment |= {
        "BIOVISTA_DATA_DIR": str(settings.data_dir),
        "BIOVISTA_DATABASE_URL": settings.resolved_database_url,
        "BIOVISTA_HOST": "127.0.0.1",
        "BIOVISTA_PORT": str(port),
        **(env or {}),
    }
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", *([*_UVICORN, "--port", str(port)] if factory else _SERVE)],
            env=environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = ServerProcess(f"http://127.0.0.1:{port}", settings, process, log)
    try:
        _wait_until_up(server, startup_seconds)
        yield server
    finally:
        _stop(process)


def _wait_until_up(server: ServerProcess, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"biovista serve exited early:\n{server.output()}")
        try:
            if httpx.get(f"{server.url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"biovista serve did not answer within {seconds} s:\n{server.output()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
