"""The image routes beside the viewer: access as the viewer, caching, clear errors."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from biovista.api.app import create_app
from biovista.auth.policy import LOCAL_ADMIN
from biovista.db.session import session_scope
from biovista.models.dashboard import FilterState
from biovista.query.dashboard import DashboardData
from biovista.query.shared import SharedReads
from biovista.services.accounts.grants import grant_role
from biovista.services.accounts.users import create_user
from biovista.services.dashboards import gallery as images
from biovista.services.dashboards.documents import make_link, set_public
from biovista.services.dashboards.open import open_dashboard
from biovista.web.common.cookie_auth import ACCESS_COOKIE
from tests.image_project import Pictures, make_pictures

PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Pictures]]:
    pictures = make_pictures(tmp_path_factory.mktemp("routes"))
    app = create_app(pictures.settings)
    with session_scope(pictures.settings.resolved_database_url) as session:
        for name in ("viewer", "stranger"):
            create_user(session, f"{name}@example.org", PASSWORD)
        grant_role(session, LOCAL_ADMIN, "pictures", "viewer", "viewer@example.org", None)
    with TestClient(app) as client:
        yield client, pictures


def rows(pictures: Pictures) -> dict[str, int]:
    opened = open_dashboard(pictures.settings, LOCAL_ADMIN, pictures.dashboard)
    data = DashboardData(pictures.settings, opened, SharedReads.for_settings(pictures.settings))
    page = images.gallery_page(pictures.settings, data, "gallery", FilterState(), 100)
    return {item.caption: item.row for item in page.items}


def login(client: TestClient, name: str) -> dict[str, str]:
    answer = client.post(
        "/api/v1/auth/login", json={"email": f"{name}@example.org", "password": PASSWORD}
    )
    return {ACCESS_COOKIE: answer.json()["access_token"]}


def test_a_viewer_gets_the_thumbnail_and_the_image_with_validators(
    site: tuple[TestClient, Pictures],
) -> None:
    client, pictures = site
    client.cookies = login(client, "viewer")
    row = rows(pictures)["Wide PNG"]
    thumb = client.get(f"/dashboard/{pictures.dashboard}/thumb/gallery/{row}")
    assert thumb.status_code == 200
    assert thumb.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(thumb.content)).size == (240, 158)
    assert thumb.headers["cache-control"] in ("private, no-cache", "no-cache, private")
    assert thumb.headers["x-content-type-options"] == "nosniff"
    again = client.get(
        f"/dashboard/{pictures.dashboard}/thumb/gallery/{row}",
        headers={"If-None-Match": thumb.headers["etag"]},
    )
    assert (again.status_code, again.content) == (304, b"")
    full = client.get(f"/dashboard/{pictures.dashboard}/image/gallery/{row}")
    assert full.status_code == 200
    assert Image.open(io.BytesIO(full.content)).size == (640, 420)
    assert full.headers["etag"] != thumb.headers["etag"]
    svg = client.get(f"/dashboard/{pictures.dashboard}/image/gallery/{rows(pictures)['Vector']}")
    assert svg.headers["content-type"] == "image/svg+xml"
    assert "sandbox" in svg.headers["content-security-policy"]


def test_bad_rows_answer_with_their_reason(site: tuple[TestClient, Pictures]) -> None:
    client, pictures = site
    client.cookies = login(client, "viewer")
    by_caption = rows(pictures)
    base = f"/dashboard/{pictures.dashboard}"
    expected = {
        "Parent folder": (422, "must not leave its run folder"),
        "Symlink out": (422, "outside the project's runs"),
        "Not a PNG": (422, "holds no PNG"),
        "Missing": (404, "image 'run_1/plots/missing.png' is not on the server"),
    }
    for caption, (status, words) in expected.items():
        answer = client.get(f"{base}/thumb/gallery/{by_caption[caption]}")
        assert answer.status_code == status, caption
        assert words in answer.text
        assert answer.headers["content-type"].startswith("text/plain")
    assert client.get(f"{base}/image/gallery/9999").text == (
        "gallery 'gallery' has no image in row 9999"
    )
    assert client.get(f"{base}/image/nope/0").status_code == 404
    assert client.get("/dashboard/not-a-uuid/image/gallery/0").status_code == 404


def test_who_may_not_see_the_dashboard_gets_404_and_links_work_logged_out(
    site: tuple[TestClient, Pictures],
) -> None:
    client, pictures = site
    path = f"/dashboard/{pictures.dashboard}/thumb/gallery/{rows(pictures)['Photo']}"
    client.cookies = login(client, "stranger")
    assert client.get(path).status_code == 404
    client.cookies.clear()
    assert client.get(path).status_code == 404
    with session_scope(pictures.settings.resolved_database_url) as session:
        token = make_link(session, LOCAL_ADMIN, pictures.dashboard)
    shared = client.get(f"/dashboard/shared/{token}/thumb/gallery/{rows(pictures)['Photo']}")
    assert (shared.status_code, shared.headers["content-type"]) == (200, "image/jpeg")
    assert client.get(f"/dashboard/shared/{token}x/thumb/gallery/0").status_code == 404
    with session_scope(pictures.settings.resolved_database_url) as session:
        set_public(session, LOCAL_ADMIN, pictures.dashboard, True)
    assert client.get(path).status_code == 200
