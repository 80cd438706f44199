"""``uvicorn --factory biovista.api.app:create_app`` behaves as ``biovista serve``: the app's
lifespan warms the dashboards, hands out tasks queued before the start and reaps tasks whose
worker died; and each runtime keeps its own caches."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from tests.server_process import serve_process
from tests.services.dashboards.test_render import penguins

from biovista.config import Settings
from biovista.db.models import Dashboard, Task
from biovista.db.session import session_scope
from biovista.runtime import HANDLERS, Runtime, handlers_for
from biovista.tasks import records

WARM_SECONDS = 5.0
"""Time the warm-up of one small dashboard is given before its render is looked at."""


def _seed_tasks(settings: Settings) -> tuple[uuid.UUID, uuid.UUID]:
    """A task queued before the start, and one 'running' in a process that is gone."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with session_scope(settings.resolved_database_url) as session:
        queued = records.create_task(session, "test.count", {"steps": 3}).id
        lost = records.create_task(session, "test.count", {"steps": 1})
        records.claim(session, lost.id, f"{socket.gethostname()}:{gone.pid}")
        return queued, lost.id


def _status(settings: Settings, task_id: uuid.UUID, wanted: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    status = ""
    while time.monotonic() < deadline:
        with session_scope(settings.resolved_database_url) as session:
            status = session.get_one(Task, task_id).status
        if status == wanted:
            break
        time.sleep(0.2)
    return status


@pytest.mark.parametrize("factory", [False, True], ids=["biovista-serve", "uvicorn-factory"])
def test_the_server_warms_resubmits_and_reaps_however_it_is_started(
    tmp_path: Path, factory: bool
) -> None:
    settings, _ = penguins(tmp_path)
    with session_scope(settings.resolved_database_url) as session:
        dashboard_id = session.query(Dashboard).one().id
    queued, lost = _seed_tasks(settings)
    env = {"BIOVISTA_SINGLE_USER": "true", "BIOVISTA_TASK_MODULES": '["tests.tasks.plugin"]'}
    with serve_process(settings, env=env, factory=factory) as server:
        assert _status(settings, lost, "failed") == "failed"  # reaped: its worker is gone
        assert _status(settings, queued, "succeeded") == "succeeded"  # handed out again
        time.sleep(WARM_SECONDS)
        answer = httpx.post(
            f"{server.url}/api/v1/dashboards/{dashboard_id}/render", json={}, timeout=60
        )
        answer.raise_for_status()
        parts = answer.json()["components"]
        assert parts and all(part["cached"] for part in parts.values()), server.output()


def test_two_runtimes_in_one_process_share_no_cache_or_pool(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    first, second = Runtime(settings), Runtime(settings)
    try:
        first.reads.cache.put("key", b"value")
        assert first.reads.cache.get("key") == b"value"
        assert second.reads.cache.get("key") is None
        assert first.reads.hot is not second.reads.hot
        assert first.reads.partials is not second.reads.partials
        assert first.reads.pool is not second.reads.pool
        assert first.browsers is not second.browsers
        assert first.hashes is not second.hashes
        assert first.hashes.hasher_at(uuid.uuid4(), 0) is not None
        assert first.tasks is not second.tasks
    finally:
        first.close()
        second.close()


def test_the_handler_table_holds_the_builtins_and_the_plugins(tmp_path: Path) -> None:
    assert set(HANDLERS) == {"ingest", "execution", "zip"}
    table = handlers_for(Settings(data_dir=tmp_path, task_modules=["tests.tasks.plugin"]))
    assert {"ingest", "test.count", "test.wait"} <= set(table)
