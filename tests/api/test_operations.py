"""Readiness, metrics, and ingestion as a tracked job over the API."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.penguins import make_project

from biovista.api.app import create_app
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

PASSWORD = "a long enough password"


@pytest.fixture
def api(tmp_path: Path, database_url: str) -> tuple[TestClient, dict[str, dict[str, str]]]:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    app = create_app(settings)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "admin@example.org", PASSWORD, role="admin")
        create_user(session, "viewer@example.org", PASSWORD)
    client = TestClient(app)
    headers = {}
    for who in ("admin", "viewer"):
        login = client.post(
            "/api/v1/auth/login", json={"email": f"{who}@example.org", "password": PASSWORD}
        )
        headers[who] = {"Authorization": f"Bearer {login.json()['access_token']}"}
    project_file = make_project(tmp_path / "penguins")
    text = project_file.read_text().replace("./data", str(project_file.parent / "data"))
    created = client.post(
        "/api/v1/projects",
        content=text,
        headers=headers["admin"] | {"content-type": "application/yaml"},
    )
    assert created.status_code == 201, created.text
    grant = {"role": "viewer", "user": "viewer@example.org"}
    assert (
        client.post(
            "/api/v1/projects/penguins/members", json=grant, headers=headers["admin"]
        ).status_code
        == 201
    )
    return client, headers


def test_ready_reports_each_dependency(api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, headers = api
    anonymous = client.get("/health/ready").json()["checks"]
    assert all(check == {"status": "ok"} for check in anonymous.values())  # details: admins
    response = client.get("/health/ready", headers=headers["admin"])
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert set(checks) == {"database", "storage", "cache", "broker"}
    assert checks["database"]["status"] == "ok"
    assert checks["database"]["detail"] in ("sqlite", "postgresql")
    assert checks["storage"]["status"] == "ok"


def test_ready_fails_when_the_database_is_gone(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path / "d", single_user=True))
    app.state.settings = Settings(
        data_dir=tmp_path / "d", database_url="postgresql+psycopg://nobody@127.0.0.1:9/none"
    )
    response = TestClient(app).get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["status"] == "error"


def test_ingestion_job_runs_and_reports(api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, headers = api
    started = client.post("/api/v1/projects/penguins/ingestions", json={}, headers=headers["admin"])
    assert started.status_code == 202
    assert started.json()["status"] == "queued"
    job = f"/api/v1/projects/penguins/ingestions/{started.json()['id']}"
    deadline = time.monotonic() + 30
    status = "queued"
    while status in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
        status = client.get(job, headers=headers["viewer"]).json()["status"]
    body = client.get(job, headers=headers["viewer"]).json()
    assert body["status"] == "succeeded"
    assert body["report"]["collections"]["physical"]["total_rows"] == 342
    assert "pid" not in body["report"]
    listing = client.get("/api/v1/projects/penguins/ingestions", headers=headers["viewer"]).json()
    assert [i["id"] for i in listing] == [started.json()["id"]]
    metrics = client.get("/metrics").text
    assert 'biovista_ingestions_total{status="succeeded"} 1.0' in metrics


def test_viewers_cannot_start_an_ingest(api: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, headers = api
    response = client.post(
        "/api/v1/projects/penguins/ingestions", json={}, headers=headers["viewer"]
    )
    assert response.status_code == 403


def test_metrics_count_requests_by_route_template(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, headers = api
    client.get("/api/v1/projects/penguins", headers=headers["viewer"])
    client.get("/api/v1/projects/nothing", headers=headers["viewer"])
    text = client.get("/metrics").text
    assert 'route="/api/v1/projects/{name}",status="200"' in text
    assert 'route="/api/v1/projects/{name}",status="404"' in text
    assert "biovista_http_request_seconds_bucket" in text


def test_ready_checks_redis_when_configured(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path / "d", single_user=True))
    app.state.settings = Settings(data_dir=tmp_path / "d", redis_url="redis://127.0.0.1:9/0")
    response = TestClient(app).get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["status"] == "error"
    assert response.json()["checks"]["database"]["status"] == "ok"


def test_ready_passes_on_the_redis_eviction_advice(tmp_path: Path, redis_url: str) -> None:
    import redis

    from biovista.query.cache import policy_advice

    url = redis_url
    config = redis.Redis.from_url(url, socket_timeout=2).config_get("maxmemory*")
    advice = policy_advice(int(config["maxmemory"]), str(config["maxmemory-policy"]))
    app = create_app(Settings(data_dir=tmp_path / "d", single_user=True, redis_url=url))
    cache = TestClient(app).get("/health/ready").json()["checks"]["cache"]
    assert cache["status"] == "ok"
    assert cache["detail"] == (f"redis; {advice}" if advice else "redis")


def test_ready_checks_the_task_broker_when_configured(tmp_path: Path, redis_url: str) -> None:
    app = create_app(Settings(data_dir=tmp_path / "d", single_user=True, task_broker_url=redis_url))
    broker = TestClient(app).get("/health/ready").json()["checks"]["broker"]
    assert broker["status"] == "ok"
    assert broker["detail"] == "Celery broker answers; queue 'biovista'"
    app.state.settings = Settings(
        data_dir=tmp_path / "d", task_broker_url="redis://:hush-hush@127.0.0.1:9/0"
    )
    response = TestClient(app).get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"] == "error"
    assert "hush-hush" not in response.text  # the broker's password stays on the server
