"""A viewer's ``where`` over HTTP against a real ``biovista serve``: the SQL that once read
the server's signing key and other projects' tables is refused (422) without a byte of any
file or a word of an engine, and a legitimate filter still returns the right rows."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.penguins import make_project
from tests.server_process import ServerProcess, serve_process, server_settings

from biovista.db.migrate import ensure_schema
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

PASSWORD = "a long enough password"
SECRET_ID = "SECRET_MARKER_4242"
ROWS = "/api/v1/projects/penguins/collections/physical/rows"
ENGINE_WORDS = ("polars", "sqlglot", "SQLInterface", "ComputeError", "Error", "Traceback")


@dataclass(frozen=True)
class World:
    server: ServerProcess
    viewer: dict[str, str]
    key_file: Path
    secret_parquet: Path


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("where")
    settings = server_settings(root)
    ensure_schema(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "admin@example.org", PASSWORD, role="admin")
        create_user(session, "viewer@example.org", PASSWORD)
    with serve_process(settings) as server:
        admin = server.login("admin@example.org")
        _project(server, admin, root / "penguins", "penguins")
        secret = _project(server, admin, root / "secret", "secret", marker=SECRET_ID)
        grant = {"role": "viewer", "user": "viewer@example.org"}
        granted = httpx.post(
            f"{server.url}/api/v1/projects/penguins/members", json=grant, headers=admin
        )
        assert granted.status_code == 201, granted.text
        viewer = server.login("viewer@example.org")
        tables = settings.data_dir / "tables" / "projects" / secret
        yield World(
            server,
            viewer,
            next((settings.data_dir / "keys").glob("*.pem")),
            next(tables.rglob("*.parquet")),
        )


def _project(
    server: ServerProcess, admin: dict[str, str], folder: Path, name: str, marker: str = ""
) -> str:
    """Register and ingest a penguins project called ``name`` (with a row ``marker``)."""
    project = make_project(folder)
    if marker:
        with (folder / "data" / "run_1_adelie" / "physical_features.csv").open("a") as csv:
            csv.write(f"{marker},1.0,1.0,1.0,1.0\n")
    body = project.read_text().replace("./data", str(folder / "data"))
    body = body.replace("name: penguins", f"name: {name}")
    yaml = admin | {"content-type": "application/yaml"}
    created = httpx.post(f"{server.url}/api/v1/projects", content=body, headers=yaml)
    assert created.status_code == 201, created.text
    path = f"{server.url}/api/v1/projects/{name}/ingestions"
    job = httpx.post(path, json={}, headers=admin, timeout=30).json()
    deadline = time.monotonic() + 120
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)
        job = httpx.get(f"{path}/{job['id']}", headers=admin, timeout=30).json()
    assert job["status"] == "succeeded", job
    return str(created.json()["id"])


def _refused(world: World, where: str) -> httpx.Response:
    answer = httpx.get(
        world.server.url + ROWS, params={"where": where}, headers=world.viewer, timeout=30
    )
    assert answer.status_code == 422, answer.text
    key_lines = [line for line in world.key_file.read_text().splitlines() if len(line) > 8]
    for secret in (*key_lines, "PRIVATE KEY", SECRET_ID, str(world.key_file.parent)):
        assert secret not in answer.text
    detail = answer.json()["detail"]
    assert detail.startswith("where: ")
    assert not [word for word in ENGINE_WORDS if word in detail], detail
    return answer


def test_the_exploits_are_refused_without_file_content_or_engine_words(world: World) -> None:
    key, other = world.key_file, world.secret_parquet
    exploits = {
        # the engine's error quoted the value it could not cast: the key's own line
        f"CAST((SELECT * FROM read_csv('{key}') LIMIT 1) AS DOUBLE) = 1": "unexpected 'CAST' "
        "at column 1: function calls are not allowed",
        f"CAST((SELECT individual_id FROM read_parquet('{other}') WHERE individual_id LIKE "
        "'SECRET%') AS DOUBLE) = 1": "function calls are not allowed",
        f"individual_id IN (SELECT * FROM read_csv('{key}'))": "unexpected 'SELECT' at column 19",
        f"individual_id IN (SELECT column0 FROM read_csv('{key}', header=false))": "'SELECT'",
        f"1=1 UNION SELECT * FROM read_csv('{key}')": "unexpected 'UNION' at column 5",
        f"body_mass_g > (SELECT count(*) FROM read_csv('{key}'))": "subqueries are not allowed",
        f"individual_id = read_csv('{key}')": "unexpected 'read_csv' at column 17: function",
        f"individual_id IN (SELECT individual_id FROM read_parquet('{other}'))": "subqueries",
        f"individual_id = (SELECT max(individual_id) FROM read_parquet('{other}'))": "'SELECT'",
        "individual_id = 'x'; SELECT * FROM self": "unexpected ';' at column 20",
        f"body_mass_g > 0 -- ' OR read_csv('{key}')": "comments are not allowed",
    }
    for where, expected in exploits.items():
        assert expected in _refused(world, where).json()["detail"], where


def test_a_legitimate_filter_returns_the_right_rows(world: World) -> None:
    answer = httpx.get(
        world.server.url + ROWS,
        params={"where": "body_mass_g > 6000 AND individual_id LIKE 'gentoo%'"},
        headers=world.viewer,
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    page = answer.json()
    assert page["matching"] == 2
    assert sorted(row["individual_id"] for row in page["rows"]) == ["gentoo_18", "gentoo_34"]
    mistyped = _refused(world, "body_mass_g > 'heavy'").json()["detail"]
    assert "column 'body_mass_g' holds numbers (Float64)" in mistyped
