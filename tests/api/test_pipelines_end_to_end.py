"""The whole pipeline story over HTTP: register a real Snakemake workflow, upload two
samples in chunks, launch, watch job events arrive, find the outputs ingested and shown by
the project's dashboard; a failing job's stderr; cancel. Run by threads in the server and
by a real ``biovista worker`` (Celery over Redis)."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.tasks.test_runners import start_worker, stop

from biovista.api.app import create_app
from biovista.auth.policy import LOCAL_ADMIN
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.accounts.grants import grant_role
from biovista.services.accounts.users import create_user

DATA = Path(__file__).resolve().parents[1] / "data" / "workflows"
PASSWORD = "a long enough password"
PROJECT = "penguin-summary"
ACTIVE = ("queued", "running", "ingesting")

World = tuple[TestClient, dict[str, dict[str, str]]]


@pytest.fixture(params=["threads", "celery"])
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    extra: dict[str, Any] = {}
    if request.param == "celery":
        extra = {
            "task_broker_url": request.getfixturevalue("redis_url"),
            "task_queue": f"e2e-{uuid.uuid4()}",
        }
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'e2e.db'}",
        task_heartbeat_seconds=0.2,
        **extra,
    )
    app = create_app(settings)
    worker = start_worker(settings, tmp_path / "worker.log") if extra else None
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "admin@example.org", PASSWORD, role="admin")
        for name in ("editor", "viewer", "stranger"):
            create_user(session, f"{name}@example.org", PASSWORD)
    client = TestClient(app)
    headers = {
        name: {
            "Authorization": "Bearer "
            + client.post(
                "/api/v1/auth/login", json={"email": f"{name}@example.org", "password": PASSWORD}
            ).json()["access_token"]
        }
        for name in ("admin", "editor", "viewer", "stranger")
    }
    registered = client.post(
        "/api/v1/workflows",
        json={"source": str(DATA / "penguin-summary")},
        headers=headers["admin"],
    )
    assert registered.status_code == 201, registered.text
    assert registered.json()["project"] == PROJECT
    with session_scope(settings.resolved_database_url) as session:
        grant_role(session, LOCAL_ADMIN, PROJECT, "editor", user_email="editor@example.org")
        grant_role(session, LOCAL_ADMIN, PROJECT, "viewer", user_email="viewer@example.org")
    try:
        yield client, headers
    finally:
        if worker is not None:
            stop(worker)
        app.state.tasks.shutdown()


def upload_samples(client: TestClient, headers: dict[str, dict[str, str]]) -> None:
    """Two samples, each file sent in three chunks through an upload session."""
    created = client.post(
        "/api/v1/sample-types",
        json={"name": "colony", "attributes": [{"name": "island", "required": True}]},
        headers=headers["admin"],
    )
    assert created.status_code == 201, created.text
    for name, island in (("colony_a", "Torgersen"), ("colony_b", "Biscoe")):
        sample = client.post(
            f"/api/v1/projects/{PROJECT}/samples",
            json={"name": name, "type": "colony", "attributes": {"island": island}},
            headers=headers["editor"],
        )
        assert sample.status_code == 201, sample.text
        data = (DATA / "samples" / f"{name}.csv").read_bytes()
        opened = client.post(
            f"/api/v1/projects/{PROJECT}/upload-sessions",
            json={
                "path": f"{name}.csv",
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "sample": name,
            },
            headers=headers["editor"],
        )
        assert opened.status_code == 201, opened.text
        url = f"/api/v1/projects/{PROJECT}/upload-sessions/{opened.json()['id']}"
        step = len(data) // 3 + 1
        for offset in range(0, len(data), step):
            put = client.put(
                url,
                params={"offset": offset},
                content=data[offset : offset + step],
                headers=headers["editor"],
            )
            assert put.status_code in (200, 201), put.text
        assert client.get(url, headers=headers["editor"]).json()["status"] == "complete"


def launch(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    started = client.post(
        f"/api/v1/workflows/{PROJECT}/executions",
        json={"params": params, "samples": ["colony_a", "colony_b"]},
        headers=headers,
    )
    assert started.status_code == 202, started.text
    body: dict[str, Any] = started.json()
    return body


def watch(client: TestClient, headers: dict[str, str], execution_id: str) -> list[dict[str, Any]]:
    """Every state seen while polling, until the execution ends."""
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/executions/{execution_id}", headers=headers).json()
        seen.append(state)
        if state["status"] not in ACTIVE:
            return seen
        time.sleep(0.2)
    raise AssertionError(f"execution {execution_id} still {seen[-1]['status']}")


def test_uploaded_samples_run_through_the_workflow_into_the_dashboard(world: World) -> None:
    client, headers = world
    upload_samples(client, headers)
    dashboard = client.post(
        f"/api/v1/projects/{PROJECT}/dashboards",
        json={
            "title": "Summaries",
            "spec": {
                "tabs": [
                    {
                        "name": "All",
                        "components": [
                            {
                                "type": "metric",
                                "id": "rows",
                                "collection": "summaries",
                                "agg": "count",
                            },
                        ],
                    }
                ]
            },
        },
        headers=headers["editor"],
    )
    assert dashboard.status_code == 201, dashboard.text
    started = launch(client, headers["editor"])
    assert started["status"] == "queued"
    seen = watch(client, headers["viewer"], started["id"])
    final = seen[-1]
    assert final["status"] == "succeeded", final["error"]
    assert any(s["status"] == "running" for s in seen)
    summarise = [j for j in final["jobs"] if j["name"].startswith("summarise")]
    assert sorted(s for j in summarise for s in j["samples"]) == ["colony_a", "colony_b"]
    assert all(j["status"] == "succeeded" for j in final["jobs"])

    events = client.get(
        f"/api/v1/tasks/{final['task_id']}/events", headers=headers["viewer"]
    ).json()
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "status" and "progress" in kinds
    progress = [e["data"] for e in events if e["kind"] == "progress"]
    assert progress[-1]["done"] == progress[-1]["total"] == final["jobs_total"]
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    later = client.get(
        f"/api/v1/tasks/{final['task_id']}/events",
        params={"after": events[-2]["seq"]},
        headers=headers["viewer"],
    ).json()
    assert [e["seq"] for e in later] == [events[-1]["seq"]]

    task = f"/api/v1/tasks/{final['task_id']}"
    assert client.get(task, headers=headers["stranger"]).status_code == 404
    assert (
        client.get(f"/api/v1/executions/{started['id']}", headers=headers["stranger"]).status_code
        == 404
    )
    assert client.post(f"{task}/cancel", headers=headers["viewer"]).status_code == 403
    assert client.post(f"{task}/cancel", headers=headers["editor"]).json()["status"] == "succeeded"

    log = client.get(
        f"/api/v1/executions/{started['id']}/log", params={"offset": 0}, headers=headers["viewer"]
    ).json()
    assert log["complete"] and log["text"] and log["next_offset"] == log["size"]

    rendered = client.post(
        f"/api/v1/dashboards/{dashboard.json()['id']}/render", json={}, headers=headers["viewer"]
    )
    assert rendered.status_code == 200, rendered.text
    rows = rendered.json()["components"]["rows"]["result"]
    assert rows["value"] > 0

    lineage = client.get(
        f"/api/v1/projects/{PROJECT}/lineage",
        params={"file": f"{started['id']}/colony_a/summary.csv"},
        headers=headers["viewer"],
    ).json()
    assert (lineage["execution_id"], lineage["samples"]) == (started["id"], ["colony_a"])


def test_a_failing_job_shows_its_stderr_and_cancel_stops_a_run(world: World) -> None:
    client, headers = world
    upload_samples(client, headers)
    assert (
        client.post(
            f"/api/v1/workflows/{PROJECT}/executions",
            json={"params": {}, "samples": ["colony_a"]},
            headers=headers["viewer"],
        ).status_code
        == 403
    )

    failed = watch(
        client, headers["viewer"], launch(client, headers["editor"], fail_sample="colony_b")["id"]
    )[-1]
    assert failed["status"] == "failed"
    (broken,) = [j for j in failed["jobs"] if j["status"] == "failed"]
    assert "colony_b" in broken["stderr"]
    assert broken["name"] in failed["error"]

    slow = launch(client, headers["editor"], sleep=60)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/executions/{slow['id']}", headers=headers["viewer"]).json()
        if any(j["status"] == "running" for j in state["jobs"]):
            break
        time.sleep(0.2)
    assert (
        client.post(
            f"/api/v1/executions/{slow['id']}/cancel", headers=headers["viewer"]
        ).status_code
        == 403
    )
    cancelled = client.post(f"/api/v1/executions/{slow['id']}/cancel", headers=headers["editor"])
    assert cancelled.status_code == 202, cancelled.text
    final = watch(client, headers["viewer"], slow["id"])[-1]
    assert final["status"] == "cancelled"
    assert any(j["status"] == "cancelled" for j in final["jobs"])
    again = client.post(f"/api/v1/executions/{slow['id']}/cancel", headers=headers["editor"])
    assert again.status_code == 409
