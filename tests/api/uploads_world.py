"""A small API world for the samples, uploads and downloads tests: one project on the
server's upload folder, and an admin, an editor, a viewer and a stranger.

Imported by a test module, it replaces conftest's ``world`` there: lighter (no ingest, one
project), so these modules start fast; still once on SQLite and once on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.penguins import PROJECT_YAML

from biovista.api.app import create_app
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

PASSWORD = "a long enough password"
PEOPLE = ("editor", "viewer", "stranger")


@pytest.fixture(scope="module", name="world")
def small_world(
    tmp_path_factory: pytest.TempPathFactory, module_database_url: str
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    root = tmp_path_factory.mktemp("uploads-world")
    settings = Settings(data_dir=root / "data", database_url=module_database_url)
    app = create_app(settings)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "admin@example.org", PASSWORD, role="admin")
        for name in PEOPLE:
            create_user(session, f"{name}@example.org", PASSWORD)
    with TestClient(app) as client:
        tokens = {
            name: client.post(
                "/api/v1/auth/login", json={"email": f"{name}@example.org", "password": PASSWORD}
            ).json()["access_token"]
            for name in ("admin", *PEOPLE)
        }
        admin = {"Authorization": f"Bearer {tokens['admin']}"}
        created = client.post(
            "/api/v1/projects",
            content=PROJECT_YAML.replace("./data", "'@uploads'"),
            headers=admin | {"content-type": "application/yaml"},
        )
        assert created.status_code == 201, created.text
        for role in ("editor", "viewer"):
            grant = {"role": role, "user": f"{role}@example.org"}
            client.post("/api/v1/projects/penguins/members", json=grant, headers=admin)
        yield client, tokens
