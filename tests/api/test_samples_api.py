"""``/api/v1/sample-types`` and ``/api/v1/projects/{name}/samples`` over HTTP: admins
define types, editors write samples, viewers read them, strangers see nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.api.uploads_world import small_world  # noqa: F401 (the "world" of these tests)

World = tuple[TestClient, dict[str, str]]


TYPE = {
    "name": "api-tissue",
    "description": "biopsies",
    "attributes": [
        {"name": "organ", "required": True, "allowed": ["liver", "kidney"]},
        {"name": "donor", "pattern": "D[0-9]{3}"},
    ],
}


def auth(world: World, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world[1][who]}"}


def ensure_type(world: World) -> None:
    client = world[0]
    made = client.post("/api/v1/sample-types", json=TYPE, headers=auth(world, "admin"))
    assert made.status_code in (201, 409), made.text


def test_admins_define_types_others_read_them(world: World) -> None:
    client = world[0]
    refused = client.post(
        "/api/v1/sample-types", json=TYPE | {"name": "x"}, headers=auth(world, "editor")
    )
    assert refused.status_code == 403
    ensure_type(world)
    listed = client.get("/api/v1/sample-types", headers=auth(world, "viewer")).json()
    assert {"name": "api-tissue", "description": "biopsies"}.items() <= next(
        t for t in listed if t["name"] == "api-tissue"
    ).items()
    broken = client.post(
        "/api/v1/sample-types",
        json={"name": "broken", "attributes": [{"name": "code", "pattern": "(["}]},
        headers=auth(world, "admin"),
    )
    assert broken.status_code == 422
    assert broken.headers["content-type"] == "application/problem+json"
    assert broken.json()["errors"][0]["field"] == "attribute 'code'"
    assert "not a valid regex" in broken.json()["errors"][0]["message"]
    patched = client.patch(
        "/api/v1/sample-types/api-tissue",
        json={"description": "tissue biopsies"},
        headers=auth(world, "admin"),
    )
    assert patched.json()["description"] == "tissue biopsies"


def test_samples_by_role(world: World) -> None:
    client = world[0]
    ensure_type(world)
    url = "/api/v1/projects/penguins/samples"
    body = {"name": "P1", "type": "api-tissue", "attributes": {"organ": "liver", "donor": "D001"}}
    assert client.post(url, json=body, headers=auth(world, "viewer")).status_code == 403
    assert client.post(url, json=body, headers=auth(world, "stranger")).status_code == 404
    made = client.post(url, json=body, headers=auth(world, "editor"))
    assert made.status_code == 201, made.text
    assert made.json()["files"] == []
    assert client.post(url, json=body, headers=auth(world, "editor")).status_code == 409
    wrong = client.post(
        url,
        json={"name": "P2", "type": "api-tissue", "attributes": {"organ": "lung", "eye": "x"}},
        headers=auth(world, "editor"),
    )
    assert wrong.status_code == 422
    errors = {e["field"]: e["message"] for e in wrong.json()["errors"]}
    assert errors["attributes.organ"] == (
        "sample 'P2', attribute 'organ': 'lung' is not one of liver, kidney"
    )
    assert errors["attributes.eye"].startswith("sample 'P2', attribute 'eye': type 'api-tissue'")
    seen = client.get(f"{url}/P1", headers=auth(world, "viewer"))
    assert seen.json()["attributes"] == {"organ": "liver", "donor": "D001"}
    assert client.get(f"{url}/P1", headers=auth(world, "stranger")).status_code == 404
    patched = client.patch(
        f"{url}/P1", json={"attributes": {"organ": "kidney"}}, headers=auth(world, "editor")
    )
    assert patched.json()["attributes"] == {"organ": "kidney"}
    assert client.delete(f"{url}/P1", headers=auth(world, "viewer")).status_code == 403
    assert client.delete(f"{url}/P1", headers=auth(world, "editor")).status_code == 204
    assert client.get(f"{url}/P1", headers=auth(world, "viewer")).status_code == 404


def test_a_sheet_over_http(world: World) -> None:
    client = world[0]
    ensure_type(world)
    url = "/api/v1/projects/penguins/samples/sheet"
    sheet = "name,type,organ,donor\nQ1,api-tissue,liver,D001\nQ2,api-tissue,kidney,D2\n"
    wrong = client.post(
        url, content=sheet, headers=auth(world, "editor") | {"content-type": "text/csv"}
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"] == [
        {
            "field": "donor",
            "line": 3,
            "column": None,
            "message": "sample 'Q2', attribute 'donor': 'D2' does not match the pattern "
            "'D[0-9]{3}'",
            "suggestion": None,
        }
    ]
    fixed = sheet.replace("D2\n", "D002\n")
    done = client.post(
        url, content=fixed, headers=auth(world, "editor") | {"content-type": "text/csv"}
    )
    assert done.json() == {"created": ["Q1", "Q2"], "updated": []}
    names = [
        s["name"]
        for s in client.get(
            "/api/v1/projects/penguins/samples", headers=auth(world, "viewer")
        ).json()
    ]
    assert {"Q1", "Q2"} <= set(names)
