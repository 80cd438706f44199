"""YAML bombs sent to a real ``biovista serve``: dashboard imports, project files and
workflow manifests. A caller without the right is turned away before the file is parsed;
an entitled caller's bomb is refused at its line and column within a second; the server's
memory stays put; and ``/health`` answers while a large file is being parsed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.server_process import PASSWORD, ServerProcess, serve_process, server_settings
from tests.yaml_bombs import BOMB, DEEP

from biovista.config import Settings
from biovista.db.migrate import ensure_schema
from biovista.db.session import session_scope
from biovista.pipelines.manifest import MANIFEST_FILE
from biovista.services.accounts.users import create_user

IMPORT = "/api/v1/projects/penguins/dashboards/import"
YAML = {"content-type": "application/yaml"}
RSS_GROWTH_LIMIT = 40 * 2**20
"""The server's peak memory may grow this much over the bombs of one test."""


@dataclass(frozen=True)
class World:
    server: ServerProcess
    admin: dict[str, str]
    editor: dict[str, str]
    viewer: dict[str, str]
    stranger: dict[str, str]

    def send(
        self, method: str, path: str, body: str, who: dict[str, str], timeout: float = 60
    ) -> tuple[httpx.Response, float]:
        """The answer and how long it took."""
        started = time.monotonic()
        answer = httpx.request(
            method, f"{self.server.url}{path}", content=body, headers=who | YAML, timeout=timeout
        )
        return answer, time.monotonic() - started

    def rss(self) -> int:
        """The server process's peak resident memory so far, in bytes (the peak, since
        memory a request allocated may be given back before we look)."""
        status = Path(f"/proc/{self.server.process.pid}/status").read_text()
        kilobytes = next(line.split()[1] for line in status.splitlines() if line[:6] == "VmHWM:")
        return int(kilobytes) * 1024


def _seed(settings: Settings) -> None:
    ensure_schema(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "admin@example.org", PASSWORD, role="admin")
        for name in ("editor", "viewer", "stranger"):
            create_user(session, f"{name}@example.org", PASSWORD)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    settings = server_settings(tmp_path_factory.mktemp("yaml-bombs"))
    _seed(settings)
    with serve_process(settings) as server:
        admin = server.login("admin@example.org")
        server.create_uploads_project(admin)
        members = f"{server.url}/api/v1/projects/penguins/members"
        for role in ("editor", "viewer"):
            grant = {"role": role, "user": f"{role}@example.org"}
            assert httpx.post(members, json=grant, headers=admin, timeout=30).status_code == 201
        yield World(
            server,
            admin,
            server.login("editor@example.org"),
            server.login("viewer@example.org"),
            server.login("stranger@example.org"),
        )


def _located(answer: httpx.Response) -> tuple[int, int]:
    assert answer.status_code == 422, answer.text
    (error,) = answer.json()["errors"]
    return error["line"], error["column"]


def test_callers_without_the_right_are_turned_away_before_parsing(world: World) -> None:
    before = world.rss()
    for who, status in ((world.stranger, 404), (world.viewer, 403)):
        for body in (BOMB, DEEP):
            answer, seconds = world.send("POST", IMPORT, body, who)
            assert answer.status_code == status, answer.text
            assert seconds < 1.0
    for body in (BOMB, DEEP):
        answer, seconds = world.send("PUT", "/api/v1/projects/penguins", body, world.stranger)
        assert (answer.status_code, seconds < 1.0) == (404, True)
        answer, seconds = world.send("POST", "/api/v1/projects", body, world.editor)
        assert (answer.status_code, seconds < 1.0) == (403, True)
    assert world.rss() - before < RSS_GROWTH_LIMIT


def test_an_editors_dashboard_bomb_is_refused_fast_at_its_line(world: World) -> None:
    before = world.rss()
    answer, seconds = world.send("POST", IMPORT, BOMB, world.editor)
    assert seconds < 1.0
    assert _located(answer) == (2, 4)
    assert "anchors (&a) are not read" in answer.json()["errors"][0]["message"]
    answer, seconds = world.send("POST", IMPORT, DEEP, world.editor)
    assert seconds < 1.0
    assert _located(answer)[0] == 1
    assert world.rss() - before < RSS_GROWTH_LIMIT


def test_project_file_bombs_are_refused_fast_at_their_line(world: World) -> None:
    before = world.rss()
    for method, path, who in (
        ("POST", "/api/v1/projects", world.admin),
        ("PUT", "/api/v1/projects/penguins", world.editor),
    ):
        answer, seconds = world.send(method, path, BOMB, who)
        assert seconds < 1.0
        assert _located(answer) == (2, 4)
        answer, seconds = world.send(method, path, DEEP, who)
        assert seconds < 1.0
        assert _located(answer)[0] == 1
    assert world.rss() - before < RSS_GROWTH_LIMIT


@pytest.mark.parametrize("manifest", [BOMB, DEEP], ids=["laughs", "deep"])
def test_workflow_manifest_bombs_are_refused_fast_at_their_line(
    world: World, manifest: str, tmp_path: Path
) -> None:
    (tmp_path / MANIFEST_FILE).write_text(manifest)
    before = world.rss()
    started = time.monotonic()
    answer = httpx.post(
        f"{world.server.url}/api/v1/workflows",
        json={"source": str(tmp_path)},
        headers=world.admin,
        timeout=60,
    )
    assert time.monotonic() - started < 1.0
    assert _located(answer)[0] == (2 if manifest is BOMB else 1)
    assert world.rss() - before < RSS_GROWTH_LIMIT


def test_health_answers_while_a_large_file_is_parsed(world: World) -> None:
    """Near the caps (900 KB, 20,000 values): parsing takes a while, on a worker thread."""
    large = "tabs: []\nnotes: [" + ",".join([f"'{'x' * 40}'"] * 20_000) + "]\n"
    outcome: list[httpx.Response] = []
    sender = threading.Thread(
        target=lambda: outcome.append(world.send("POST", IMPORT, large, world.editor)[0])
    )
    waits: list[float] = []
    sender.start()
    while sender.is_alive() or not waits:
        started = time.monotonic()
        assert httpx.get(f"{world.server.url}/health", timeout=30).status_code == 200
        waits.append(time.monotonic() - started)
        time.sleep(0.02)
    sender.join()
    assert outcome[0].status_code == 422, outcome[0].text
    assert max(waits) < 1.0, waits
