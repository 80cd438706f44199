"""Dashboards inherit project roles; public and link sharing give read-only access."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

SPEC = {
    "tabs": [
        {
            "name": "Overview",
            "components": [
                {"type": "text", "id": "a", "markdown": "# Penguins"},
                {"type": "metric", "id": "n", "collection": "physical", "agg": "count"},
            ],
        }
    ]
}


def auth(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"}


@pytest.fixture
def dashboard(world: tuple[TestClient, dict[str, str]]) -> str:
    client, tokens = world
    created = client.post(
        "/api/v1/projects/penguins/dashboards",
        json={"title": "Overview", "spec": SPEC},
        headers=auth(tokens, "editor"),
    )
    assert created.status_code == 201, created.text
    assert created.json()["revision"] == 1
    dashboard_id: str = created.json()["id"]
    return dashboard_id


@pytest.mark.parametrize(
    ("caller", "view", "edit", "publish"),
    [
        ("admin", 200, 200, 200),
        ("owner", 200, 200, 200),
        ("editor", 200, 200, 403),
        ("viewer", 200, 403, 403),
        ("member", 200, 403, 403),
        ("stranger", 404, 404, 404),
    ],
)
def test_dashboard_matrix(
    world: tuple[TestClient, dict[str, str]],
    dashboard: str,
    caller: str,
    view: int,
    edit: int,
    publish: int,
) -> None:
    client, tokens = world
    headers = auth(tokens, caller)
    assert client.get(f"/api/v1/dashboards/{dashboard}", headers=headers).status_code == view
    update = {"title": f"By {caller}", "spec": SPEC}
    assert (
        client.put(f"/api/v1/dashboards/{dashboard}", json=update, headers=headers).status_code
        == edit
    )
    publication = client.put(
        f"/api/v1/dashboards/{dashboard}/publication", json={"public": False}, headers=headers
    )
    assert publication.status_code == publish
    listing = client.get("/api/v1/projects/penguins/dashboards", headers=headers)
    assert listing.status_code == view


def test_public_and_link_access_without_login(
    world: tuple[TestClient, dict[str, str]], dashboard: str
) -> None:
    client, tokens = world
    anonymous = TestClient(client.app)
    assert anonymous.get(f"/api/v1/public/dashboards/{dashboard}").status_code == 404
    assert anonymous.get(f"/api/v1/dashboards/{dashboard}").status_code == 401

    client.put(
        f"/api/v1/dashboards/{dashboard}/publication",
        json={"public": True},
        headers=auth(tokens, "owner"),
    )
    public = anonymous.get(f"/api/v1/public/dashboards/{dashboard}")
    assert public.status_code == 200
    assert public.json()["spec"]["tabs"][0]["components"][0]["markdown"] == "# Penguins"

    first = client.post(
        f"/api/v1/dashboards/{dashboard}/link", headers=auth(tokens, "owner")
    ).json()["path"]
    assert anonymous.get(first).json()["title"] == "Overview"
    second = client.post(
        f"/api/v1/dashboards/{dashboard}/link", headers=auth(tokens, "owner")
    ).json()["path"]
    assert anonymous.get(first).status_code == 404  # a new link retires the old one
    assert anonymous.get(second).status_code == 200
    assert (
        client.delete(
            f"/api/v1/dashboards/{dashboard}/link", headers=auth(tokens, "owner")
        ).status_code
        == 204
    )
    assert anonymous.get(second).status_code == 404
    assert anonymous.get("/api/v1/shared/dashboards/guess").status_code == 404


def test_stale_revision_is_refused(
    world: tuple[TestClient, dict[str, str]], dashboard: str
) -> None:
    client, tokens = world
    editor = auth(tokens, "editor")
    first = client.put(
        f"/api/v1/dashboards/{dashboard}",
        json={"title": "A", "spec": SPEC, "revision": 1},
        headers=editor,
    )
    assert first.json()["revision"] == 2
    stale = client.put(
        f"/api/v1/dashboards/{dashboard}",
        json={"title": "B", "spec": SPEC, "revision": 1},
        headers=editor,
    )
    assert stale.status_code == 409
    assert "revision 2, not 1" in stale.json()["detail"]


def test_delete_needs_editor(world: tuple[TestClient, dict[str, str]], dashboard: str) -> None:
    client, tokens = world
    assert (
        client.delete(f"/api/v1/dashboards/{dashboard}", headers=auth(tokens, "viewer")).status_code
        == 403
    )
    assert (
        client.delete(f"/api/v1/dashboards/{dashboard}", headers=auth(tokens, "editor")).status_code
        == 204
    )
    assert (
        client.get(f"/api/v1/dashboards/{dashboard}", headers=auth(tokens, "admin")).status_code
        == 404
    )


def test_spec_is_validated_with_every_problem_listed(
    world: tuple[TestClient, dict[str, str]],
) -> None:
    client, tokens = world
    spec = {
        "tabs": [
            {
                "name": "T",
                "components": [
                    {"type": "figure", "id": "f", "kind": "scater", "collection": "physical"},
                    {"type": "metric", "id": "m", "collection": "nowhere"},
                ],
            }
        ]
    }
    response = client.post(
        "/api/v1/projects/penguins/dashboards",
        json={"title": "Bad", "spec": spec},
        headers=auth(tokens, "editor"),
    )
    assert response.status_code == 422
    assert "scater" in response.text and "did you mean 'scatter'" in response.text
    wrong_place = {"tabs": [{"name": "T", "components": [spec["tabs"][0]["components"][1]]}]}
    response = client.post(
        "/api/v1/projects/penguins/dashboards",
        json={"title": "Bad", "spec": wrong_place},
        headers=auth(tokens, "editor"),
    )
    assert response.status_code == 422
    assert "unknown collection 'nowhere'" in response.text
    assert "tabs.0.components.0" in response.text


def test_yaml_export_and_import_round_trip(
    world: tuple[TestClient, dict[str, str]], dashboard: str
) -> None:
    client, tokens = world
    exported = client.get(f"/api/v1/dashboards/{dashboard}/export", headers=auth(tokens, "viewer"))
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("application/yaml")
    assert "project: penguins" in exported.text and "type: metric" in exported.text
    imported = client.post(
        "/api/v1/projects/penguins/dashboards/import",
        content=exported.text,
        headers=auth(tokens, "editor") | {"content-type": "application/yaml"},
    )
    assert imported.status_code == 201, imported.text
    original = client.get(f"/api/v1/dashboards/{dashboard}", headers=auth(tokens, "viewer")).json()
    assert imported.json()["spec"]["tabs"] == original["spec"]["tabs"]
    assert imported.json()["title"] == "Overview"
    viewer = client.post(
        "/api/v1/projects/penguins/dashboards/import",
        content=exported.text,
        headers=auth(tokens, "viewer") | {"content-type": "application/yaml"},
    )
    assert viewer.status_code == 403


def test_import_reports_yaml_lines(world: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = world
    text = "tabs:\n  - name: T\n    components:\n      - {type: metric, id: m, colection: x}\n"
    response = client.post(
        "/api/v1/projects/penguins/dashboards/import",
        content=text,
        headers=auth(tokens, "editor") | {"x-filename": "board.yaml"},
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert any(e["line"] == 4 and "colection" in e["message"] for e in errors), errors
