"""Upload run files into a project's own folder, then ingest them as a tracked job."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.penguins import DATA, PROJECT_YAML

from biovista.api.app import create_app
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

PASSWORD = "a long enough password"


@pytest.fixture
def api(tmp_path: Path) -> tuple[TestClient, dict[str, dict[str, str]], Settings]:
    settings = Settings(data_dir=tmp_path / "data")
    app = create_app(settings)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "admin@example.org", PASSWORD, role="admin")
        create_user(session, "editor@example.org", PASSWORD)
        create_user(session, "viewer@example.org", PASSWORD)
    client = TestClient(app)
    headers = {}
    for who in ("admin", "editor", "viewer"):
        login = client.post(
            "/api/v1/auth/login", json={"email": f"{who}@example.org", "password": PASSWORD}
        )
        headers[who] = {"Authorization": f"Bearer {login.json()['access_token']}"}
    text = PROJECT_YAML.replace("./data", "'@uploads'")
    created = client.post(
        "/api/v1/projects",
        content=text,
        headers=headers["admin"] | {"content-type": "application/yaml"},
    )
    assert created.status_code == 201, created.text
    for who in ("editor", "viewer"):
        grant = {"role": who, "user": f"{who}@example.org"}
        client.post("/api/v1/projects/penguins/members", json=grant, headers=headers["admin"])
    return client, headers, settings


def test_upload_then_ingest(api: tuple[TestClient, dict[str, dict[str, str]], Settings]) -> None:
    client, headers, settings = api
    for run in ("run_1_adelie", "run_2_chinstrap", "run_3_gentoo"):
        for name in ("physical_features.csv", "demographic_data.csv"):
            content = (DATA / "penguins" / run / name).read_bytes()
            stored = client.put(
                f"/api/v1/projects/penguins/uploads/{run}/{name}",
                content=content,
                headers=headers["editor"],
            )
            assert stored.status_code == 201, stored.text
            assert stored.json()["size"] == len(content)
    listing = client.get("/api/v1/projects/penguins/uploads", headers=headers["viewer"]).json()
    assert len(listing) == 6
    assert not list((settings.data_dir / "uploads" / "penguins").rglob(".upload-*"))

    job = client.post(
        "/api/v1/projects/penguins/ingestions", json={}, headers=headers["editor"]
    ).json()
    url = f"/api/v1/projects/penguins/ingestions/{job['id']}"
    deadline = time.monotonic() + 30
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
        job = client.get(url, headers=headers["viewer"]).json()
    assert job["status"] == "succeeded", job
    rows = client.get(
        "/api/v1/projects/penguins/collections/physical/rows",
        params={"where": "body_mass_g > 6000"},
        headers=headers["viewer"],
    ).json()
    assert sorted(r["individual_id"] for r in rows["rows"]) == ["gentoo_18", "gentoo_34"]


@pytest.mark.parametrize(
    "path",
    ["../escape.csv", "run_1/../../x.csv", ".hidden/a.csv", "run_1/.a.csv", "a//b.csv", "a b.csv"],
)
def test_unsafe_paths_are_refused(
    api: tuple[TestClient, dict[str, dict[str, str]], Settings], path: str
) -> None:
    client, headers, settings = api
    response = client.put(
        f"/api/v1/projects/penguins/uploads/{path}", content=b"x", headers=headers["editor"]
    )
    assert response.status_code in (404, 422), response.text
    assert not any(p.is_file() for p in (settings.data_dir / "uploads").rglob("*"))


def test_viewers_cannot_upload_or_delete(
    api: tuple[TestClient, dict[str, dict[str, str]], Settings],
) -> None:
    client, headers, _ = api
    url = "/api/v1/projects/penguins/uploads/run_1/a.csv"
    assert client.put(url, content=b"a\n1\n", headers=headers["viewer"]).status_code == 403
    assert client.put(url, content=b"a\n1\n", headers=headers["editor"]).status_code == 201
    assert client.delete(url, headers=headers["viewer"]).status_code == 403
    assert client.delete(url, headers=headers["editor"]).status_code == 204
    assert client.get("/api/v1/projects/penguins/uploads", headers=headers["viewer"]).json() == []
