"""The permission matrix: each role x each action on projects, through the HTTP API.

A caller without any role gets 404 (the project's existence is not revealed); a caller who
can see but not act gets 403.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.penguins import DATA

CALLERS = ["admin", "owner", "editor", "viewer", "member", "stranger"]


VIEW = {"admin": 200, "owner": 200, "editor": 200, "viewer": 200, "member": 200, "stranger": 404}
MANAGE = {"admin": 201, "owner": 201, "editor": 403, "viewer": 403, "member": 403, "stranger": 404}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [
        ("GET", "/api/v1/projects/penguins", None, VIEW),
        ("GET", "/api/v1/projects/penguins/collections", None, VIEW),
        ("GET", "/api/v1/projects/penguins/collections/physical/rows?limit=3", None, VIEW),
        ("GET", "/api/v1/projects/penguins/members", None, VIEW),
        (
            "POST",
            "/api/v1/projects/penguins/members",
            {"role": "viewer", "user": "stranger@example.org"},
            MANAGE,
        ),
        ("GET", "/api/v1/projects/nonexistent", None, dict.fromkeys(CALLERS, 404)),
    ],
    ids=["view", "collections", "rows", "members", "share", "missing"],
)
def test_matrix(
    world: tuple[TestClient, dict[str, str]],
    caller: str,
    method: str,
    path: str,
    body: dict[str, str] | None,
    expected: dict[str, int],
) -> None:
    client, tokens = world
    response = client.request(
        method, path, json=body, headers={"Authorization": f"Bearer {tokens[caller]}"}
    )
    assert response.status_code == expected[caller], response.text
    if expected[caller] == 404:
        assert response.json()["detail"] == f"no project named {path.split('/')[4]!r}"
    if method == "POST" and response.status_code == 201:
        grant_id = response.json()["id"]
        revoke = client.delete(
            f"{path}/{grant_id}", headers={"Authorization": f"Bearer {tokens[caller]}"}
        )
        assert revoke.status_code == 204


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        ("admin", 204),
        ("owner", 204),
        ("editor", 403),
        ("viewer", 403),
        ("member", 403),
        ("stranger", 404),
    ],
)
def test_delete(world: tuple[TestClient, dict[str, str]], caller: str, expected: int) -> None:
    client, tokens = world
    response = client.delete(
        f"/api/v1/projects/doomed-{caller}", headers={"Authorization": f"Bearer {tokens[caller]}"}
    )
    assert response.status_code == expected, response.text
    still_there = client.get(
        f"/api/v1/projects/doomed-{caller}", headers={"Authorization": f"Bearer {tokens['admin']}"}
    )
    assert still_there.status_code == (404 if expected == 204 else 200)


def test_listing_shows_only_visible_projects(world: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = world

    def names(caller: str) -> set[str]:
        listing = client.get(
            "/api/v1/projects", headers={"Authorization": f"Bearer {tokens[caller]}"}
        )
        return {p["name"] for p in listing.json()}

    assert "penguins" in names("member")
    assert names("stranger") == set()
    viewer = client.get(
        "/api/v1/projects", headers={"Authorization": f"Bearer {tokens['viewer']}"}
    ).json()
    assert next(p for p in viewer if p["name"] == "penguins")["role"] == "viewer"


def test_rows_page_through_the_table(world: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = world
    headers = {"Authorization": f"Bearer {tokens['viewer']}"}
    url = "/api/v1/projects/penguins/collections/physical/rows"
    first = client.get(url, params={"limit": 200}, headers=headers).json()
    second = client.get(
        url, params={"limit": 200, "offset": first["next_offset"]}, headers=headers
    ).json()
    assert (len(first["rows"]), len(second["rows"]), second["next_offset"]) == (200, 142, None)
    filtered = client.get(url, params={"where": "body_mass_g > 6000"}, headers=headers).json()
    assert filtered["matching"] == 2
    bad = client.get(url, params={"where": "body_mass_g >"}, headers=headers)
    assert bad.status_code == 422


def test_a_read_token_cannot_share_even_for_an_owner(
    world: tuple[TestClient, dict[str, str]],
) -> None:
    client, tokens = world
    owner = {"Authorization": f"Bearer {tokens['owner']}"}
    read_token = client.post(
        "/api/v1/tokens", json={"name": "ro", "scope": "read"}, headers=owner
    ).json()["token"]
    share = client.post(
        "/api/v1/projects/penguins/members",
        json={"role": "viewer", "user": "stranger@example.org"},
        headers={"Authorization": f"Bearer {read_token}"},
    )
    assert share.status_code == 403
    assert "scope" in share.json()["detail"]


def test_only_admins_create_projects_and_invalid_files_are_located(
    world: tuple[TestClient, dict[str, str]],
) -> None:
    client, tokens = world
    yaml = {"content-type": "application/yaml"}
    denied = client.post(
        "/api/v1/projects",
        content="name: x\n",
        headers=yaml | {"Authorization": f"Bearer {tokens['owner']}"},
    )
    assert denied.status_code == 403
    invalid = client.post(
        "/api/v1/projects",
        content="name: x\ndescripton: typo\ncollections: {}\n",
        headers=yaml | {"Authorization": f"Bearer {tokens['admin']}"},
    )
    assert invalid.status_code == 422
    errors = {e["field"]: e for e in invalid.json()["errors"]}
    assert errors["descripton"]["line"] == 2
    assert errors["descripton"]["suggestion"] == "did you mean 'description'?"


def test_group_admins_manage_members(world: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = world
    member = {"Authorization": f"Bearer {tokens['member']}"}
    viewer = {"Authorization": f"Bearer {tokens['viewer']}"}
    invited = client.post(
        "/api/v1/groups/lab/members", json={"email": "editor@example.org"}, headers=member
    )
    assert invited.status_code == 202
    assert invited.json()["status"] == "pending"
    editor = {"Authorization": f"Bearer {tokens['editor']}"}
    (invitation,) = client.get("/api/v1/invitations", headers=editor).json()
    accepted = client.post(f"/api/v1/invitations/{invitation['id']}/accept", headers=editor)
    assert accepted.status_code == 200
    assert [m["email"] for m in accepted.json()["members"]] == [
        "editor@example.org",
        "member@example.org",
    ]
    assert (
        client.post(
            "/api/v1/groups/lab/members", json={"email": "viewer@example.org"}, headers=viewer
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/api/v1/groups/lab/members", json={"email": "viewer@example.org"}, headers=editor
        ).status_code
        == 403
    )


def test_runs_files_and_downloads(world: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = world
    viewer = {"Authorization": f"Bearer {tokens['viewer']}"}
    runs = client.get("/api/v1/projects/penguins/runs", headers=viewer).json()
    assert [r["name"] for r in runs] == ["run_1_adelie", "run_2_chinstrap", "run_3_gentoo"]
    assert runs[0]["attributes"] == {"run": "1", "species": "adelie"}
    listed = client.get("/api/v1/projects/penguins/files", headers=viewer).json()
    assert len(listed) == 6
    physical = next(f for f in listed if f["path"] == "run_2_chinstrap/physical_features.csv")
    assert (physical["collection"], physical["rows"]) == ("physical", 68)

    url = (
        "/api/v1/projects/penguins/collections/physical/files/run_2_chinstrap/physical_features.csv"
    )
    download = client.get(url, headers=viewer)
    assert download.status_code == 200
    assert (
        download.content == (DATA / "penguins/run_2_chinstrap/physical_features.csv").read_bytes()
    )
    stranger = {"Authorization": f"Bearer {tokens['stranger']}"}
    assert client.get(url, headers=stranger).status_code == 404
    for sneaky in (
        "../../../../etc/passwd",
        "run_2_chinstrap/../../project.yaml",
        "run_9/none.csv",
    ):
        response = client.get(
            f"/api/v1/projects/penguins/collections/physical/files/{sneaky}", headers=viewer
        )
        assert response.status_code == 404, sneaky


def test_update_project_file(world: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = world
    yaml = {"content-type": "application/yaml"}
    current = (Path(client.app.state.settings.data_dir) / "projects" / "penguins.yaml").read_text()
    described = current.replace("description: Palmer penguins", "description: Penguins, reviewed")
    editor = yaml | {"Authorization": f"Bearer {tokens['editor']}"}
    viewer = yaml | {"Authorization": f"Bearer {tokens['viewer']}"}
    assert (
        client.put("/api/v1/projects/penguins", content=described, headers=viewer).status_code
        == 403
    )
    updated = client.put("/api/v1/projects/penguins", content=described, headers=editor)
    assert updated.status_code == 200, updated.text
    assert updated.json()["description"] == "Penguins, reviewed measured in three field runs"
    elsewhere = described.replace("root: /", "root: /tmp/../")
    moved = client.put("/api/v1/projects/penguins", content=elsewhere, headers=editor)
    assert moved.status_code == 403
    assert "server admins" in moved.json()["detail"]
    renamed = client.put(
        "/api/v1/projects/penguins",
        content=described.replace("name: penguins", "name: other"),
        headers=editor,
    )
    assert renamed.status_code == 422


def test_users_api_is_for_admins(world: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = world
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    assert (
        client.get(
            "/api/v1/users", headers={"Authorization": f"Bearer {tokens['owner']}"}
        ).status_code
        == 403
    )
    created = client.post(
        "/api/v1/users",
        json={"email": "new@example.org", "password": "a long enough password"},
        headers=admin,
    )
    assert created.status_code == 201
    assert (
        client.post(
            "/api/v1/users",
            json={"email": "NEW@example.org", "password": "a long enough password"},
            headers=admin,
        ).status_code
        == 409
    )
    changed = client.patch(
        f"/api/v1/users/{created.json()['id']}", json={"disabled": True}, headers=admin
    )
    assert changed.json()["disabled"] is True
    login = client.post(
        "/api/v1/auth/login",
        json={"email": "new@example.org", "password": "a long enough password"},
    )
    assert login.status_code == 401


def follow(client: TestClient, url: str, headers: dict[str, str]) -> list[list[str]]:
    """Every page, by following rel="next" links; returns each page's names or paths."""
    pages = []
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        pages.append([item.get("name") or item["path"] for item in response.json()])
        link = response.headers.get("link", "")
        url = link[1 : link.index(">")] if link else ""
    return pages


def test_cursor_pagination_is_complete_and_stable(world: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = world
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    every = [p["name"] for p in client.get("/api/v1/projects", headers=admin).json()]
    pages = follow(client, "/api/v1/projects?limit=2", admin)
    assert all(len(page) <= 2 for page in pages)
    assert [name for page in pages for name in page] == every == sorted(every)
    files = follow(client, "/api/v1/projects/penguins/files?limit=4", admin)
    assert [len(page) for page in files] == [4, 2]
    bad = client.get("/api/v1/projects?cursor=not-a-cursor", headers=admin)
    assert bad.status_code == 422
    assert "cursor" in bad.json()["detail"]


def test_rows_sorted_by_columns(world: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = world
    headers = {"Authorization": f"Bearer {tokens['viewer']}"}
    url = "/api/v1/projects/penguins/collections/physical/rows"
    heaviest = client.get(url, params={"limit": 3, "sort": "-body_mass_g"}, headers=headers).json()[
        "rows"
    ]
    assert [r["body_mass_g"] for r in heaviest] == [6300.0, 6050.0, 6000.0]
    two_keys = client.get(
        url, params={"limit": 2, "sort": ["_run", "-bill_length_mm"]}, headers=headers
    ).json()
    assert [r["_run"] for r in two_keys["rows"]] == ["run_1_adelie", "run_1_adelie"]
    assert two_keys["rows"][0]["bill_length_mm"] >= two_keys["rows"][1]["bill_length_mm"]
    bad = client.get(url, params={"sort": "weight"}, headers=headers)
    assert bad.status_code == 422
    assert "cannot sort by 'weight'" in bad.json()["detail"]
