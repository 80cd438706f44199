"""The server the demo runs: health and the project list, over real HTTP semantics."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from biovista.api.app import create_app
from biovista.config import Settings
from biovista.models.loader import load_project
from biovista.services.ingest.run import ingest_project

DATA = Path(__file__).parents[1] / "data"


def test_health(tmp_path: Path) -> None:
    client = TestClient(create_app(Settings(data_dir=tmp_path)))
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_projects_list_after_ingest(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "store", single_user=True)
    shutil.copytree(DATA / "penguins", tmp_path / "data")
    (tmp_path / "p.yaml").write_text(
        "name: penguins\nruns: {root: ./data, pattern: 'run_.*'}\n"
        "collections:\n  physical: {files: 'physical_features\\.csv'}\n"
    )
    ingest_project(load_project(tmp_path / "p.yaml"), settings)
    client = TestClient(create_app(settings))

    listing = client.get("/api/v1/projects")
    one = client.get("/api/v1/projects/penguins")
    detail = client.get("/api/v1/projects/penguins/collections")
    missing = client.get("/api/v1/projects/nope")

    assert listing.status_code == 200
    assert [p["name"] for p in listing.json()] == ["penguins"]
    assert one.json()["collections"] == [
        {"name": "physical", "description": "", "rows": 342, "files": 3}
    ]
    (physical,) = detail.json()
    assert (physical["rows"], physical["files"], physical["version"]) == (342, 3, 0)
    assert {"format", "columns", "runs"} <= physical.keys()
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert "no project named 'nope'" in missing.json()["detail"]
