"""The API world the permission tests share: users of every kind and granted projects."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.penguins import make_project

from biovista.api.app import create_app
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.models.loader import load_project
from biovista.services.accounts.users import create_user
from biovista.services.ingest.run import ingest_project

PASSWORD = "a long enough password"
CALLERS = ["admin", "owner", "editor", "viewer", "member", "stranger"]


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, module_database_url: str
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    root = tmp_path_factory.mktemp("world")
    settings = Settings(data_dir=root / "data", database_url=module_database_url)
    app = create_app(settings)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "admin@example.org", PASSWORD, role="admin")
        for name in CALLERS[1:]:
            create_user(session, f"{name}@example.org", PASSWORD)
    project_file = make_project(root / "penguins")
    client = TestClient(app)
    tokens = {
        name: client.post(
            "/api/v1/auth/login", json={"email": f"{name}@example.org", "password": PASSWORD}
        ).json()["access_token"]
        for name in CALLERS
    }
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    text = project_file.read_text().replace("./data", str(project_file.parent / "data"))
    names = ["penguins"] + [f"doomed-{caller}" for caller in CALLERS]
    for name in names:
        body = text.replace("name: penguins", f"name: {name}")
        created = client.post(
            "/api/v1/projects", content=body, headers=admin | {"content-type": "application/yaml"}
        )
        assert created.status_code == 201, created.text
        grant = {"role": "owner", "user": "owner@example.org"}
        assert (
            client.post(f"/api/v1/projects/{name}/members", json=grant, headers=admin).status_code
            == 201
        )
        for role in ("editor", "viewer"):
            grant = {"role": role, "user": f"{role}@example.org"}
            client.post(f"/api/v1/projects/{name}/members", json=grant, headers=admin)
    member = {"Authorization": f"Bearer {tokens['member']}"}
    client.post("/api/v1/groups", json={"name": "lab"}, headers=member)
    for name in names:
        client.post(
            f"/api/v1/projects/{name}/members",
            json={"role": "viewer", "group": "lab"},
            headers=admin,
        )
    ingest_project(load_project(settings.data_dir / "projects" / "penguins.yaml"), settings)
    yield client, tokens
