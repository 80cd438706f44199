"""Every list endpoint pages the same way: limit, an opaque cursor, a rel="next" Link."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient


def auth(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"}


def every_page(client: TestClient, url: str, headers: dict[str, str]) -> list[list[Any]]:
    pages = []
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        link = response.headers.get("link", "")
        url = link[1 : link.index(">")] if link else ""
    return pages


@pytest.fixture(scope="module")
def populated(world: tuple[TestClient, dict[str, str]]) -> tuple[TestClient, dict[str, str]]:
    """Five dashboards, five tokens and five groups, so that pages of two need three pages."""
    client, tokens = world
    for n in range(5):
        made = client.post(
            "/api/v1/projects/penguins/dashboards",
            json={"title": f"Board {n}", "spec": {}},
            headers=auth(tokens, "editor"),
        )
        assert made.status_code == 201, made.text
        client.post("/api/v1/tokens", json={"name": f"t{n}"}, headers=auth(tokens, "viewer"))
        client.post("/api/v1/groups", json={"name": f"team-{n}"}, headers=auth(tokens, "viewer"))
    return client, tokens


@pytest.mark.parametrize(
    ("url", "who", "field"),
    [
        ("/api/v1/projects/penguins/dashboards", "viewer", "title"),
        ("/api/v1/projects/penguins/members", "viewer", "id"),
        ("/api/v1/projects/penguins/runs", "viewer", "name"),
        ("/api/v1/tokens", "viewer", "name"),
        ("/api/v1/groups", "viewer", "name"),
    ],
)
def test_pages_cover_the_whole_list_once(
    populated: tuple[TestClient, dict[str, str]], url: str, who: str, field: str
) -> None:
    client, tokens = populated
    headers = auth(tokens, who)
    whole = client.get(url, headers=headers).json()
    assert len(whole) >= 3, whole
    pages = every_page(client, f"{url}?limit=2", headers)
    assert [len(page) for page in pages[:-1]] == [2] * (len(pages) - 1)
    assert [item[field] for page in pages for item in page] == [item[field] for item in whole]


def test_a_forged_cursor_is_refused(populated: tuple[TestClient, dict[str, str]]) -> None:
    client, tokens = populated
    bad = client.get("/api/v1/groups?cursor=%%%", headers=auth(tokens, "viewer"))
    assert bad.status_code == 422
    assert "cursor" in bad.json()["detail"]
