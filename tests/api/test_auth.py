"""Login, rotating refresh with theft detection, logout, API tokens, setup: over HTTP."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from biovista.api.app import create_app
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

PASSWORD = "a long enough password"
GRACE = 0.5


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", database_url=database_url, refresh_grace_seconds=GRACE
    )


@pytest.fixture
def client(settings: Settings) -> TestClient:
    app = create_app(settings)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "ada@example.org", PASSWORD, role="admin")
        create_user(session, "bob@example.org", PASSWORD)
    return TestClient(app, base_url="https://testserver")


def login(client: TestClient, email: str = "ada@example.org", password: str = PASSWORD) -> str:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def refresh(client: TestClient, cookie: str | None) -> Response:
    """Present exactly this refresh cookie (as a thief replaying a copy would)."""
    client.cookies.clear()
    return client.post("/api/v1/auth/refresh", headers={"cookie": f"biovista_refresh={cookie}"})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_login_sets_a_strict_httponly_refresh_cookie(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/login", json={"email": "ADA@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("biovista_refresh=")
    for attribute in ("HttpOnly", "SameSite=strict", "Path=/api/v1/auth", "Secure"):
        assert attribute.lower() in cookie.lower()
    me = client.get("/api/v1/users/me", headers=bearer(response.json()["access_token"]))
    assert me.json()["email"] == "ada@example.org"
    assert me.json()["role"] == "admin"


def test_wrong_password_and_unknown_user_look_the_same(client: TestClient) -> None:
    wrong = client.post("/api/v1/auth/login", json={"email": "ada@example.org", "password": "nope"})
    unknown = client.post(
        "/api/v1/auth/login", json={"email": "eve@example.org", "password": "nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert wrong.headers["content-type"] == "application/problem+json"
    assert wrong.headers["www-authenticate"] == "Bearer"


def test_refresh_rotates_and_reuse_revokes_the_family(client: TestClient) -> None:
    login(client)
    first = client.cookies.get("biovista_refresh")
    rotated = client.post("/api/v1/auth/refresh")
    assert rotated.status_code == 200
    second = client.cookies.get("biovista_refresh")
    assert second and second != first
    again = refresh(client, first)  # within the grace window: the same successor
    assert again.status_code == 200
    assert again.cookies.get("biovista_refresh") == second

    time.sleep(GRACE + 0.2)
    reused = refresh(client, first)
    assert reused.status_code == 401
    assert "already used" in reused.json()["detail"]
    assert refresh(client, second).status_code == 401  # the whole family is gone


def test_logout_revokes_the_refresh_token(client: TestClient) -> None:
    login(client)
    cookie = client.cookies.get("biovista_refresh")
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert refresh(client, cookie).status_code == 401


def test_login_rate_limit_per_account(client: TestClient) -> None:
    for _ in range(5):
        bad = client.post("/api/v1/auth/login", json={"email": "bob@example.org", "password": "x"})
        assert bad.status_code == 401
    blocked = client.post(
        "/api/v1/auth/login", json={"email": "bob@example.org", "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0
    assert login(client, "ada@example.org")  # another account is not blocked


def test_disabled_account_cannot_log_in_or_refresh(client: TestClient, settings: Settings) -> None:
    login(client, "bob@example.org")
    from biovista.services.accounts.users import disable_user

    with session_scope(settings.resolved_database_url) as session:
        disable_user(session, "bob@example.org")
    assert client.post("/api/v1/auth/refresh").status_code == 401
    response = client.post(
        "/api/v1/auth/login", json={"email": "bob@example.org", "password": PASSWORD}
    )
    assert response.status_code == 401


def test_data_needs_a_login(client: TestClient) -> None:
    anonymous = client.get("/api/v1/projects")
    assert anonymous.status_code == 401
    assert anonymous.json()["status"] == 401
    assert client.get("/api/v1/projects", headers=bearer("garbage")).status_code == 401
    assert client.get("/api/v1/projects", headers=bearer(login(client))).status_code == 200


def test_api_tokens_shown_once_scoped_and_revocable(client: TestClient) -> None:
    access = login(client, "bob@example.org")
    created = client.post(
        "/api/v1/tokens",
        json={"name": "laptop", "scope": "read", "expires_in": "90d"},
        headers=bearer(access),
    )
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("bv_")
    listed = client.get("/api/v1/tokens", headers=bearer(access)).json()
    assert [t["name"] for t in listed] == ["laptop"]
    assert "token" not in listed[0]

    assert client.get("/api/v1/projects", headers=bearer(secret)).status_code == 200
    too_weak = client.post("/api/v1/tokens", json={"name": "x"}, headers=bearer(secret))
    assert too_weak.status_code == 403
    admin_scope = client.post(
        "/api/v1/tokens", json={"name": "x", "scope": "admin"}, headers=bearer(access)
    )
    assert admin_scope.status_code == 422

    revoked = client.delete(f"/api/v1/tokens/{created.json()['id']}", headers=bearer(access))
    assert revoked.status_code == 204
    after = client.get("/api/v1/projects", headers=bearer(secret))
    assert after.status_code == 401
    assert "revoked" in after.json()["detail"]


def test_jwks_is_public(client: TestClient) -> None:
    keys = client.get("/.well-known/jwks.json").json()["keys"]
    assert keys and keys[0]["alg"] == "EdDSA" and "d" not in keys[0]


def test_validation_errors_list_every_field(client: TestClient) -> None:
    response = client.post("/api/v1/auth/login", json={"password": ""})
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"body.email", "body.password"}


def test_first_start_setup_token_creates_one_admin(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "empty")
    app = create_app(settings)
    client = TestClient(app)
    token = app.state.setup_token
    assert token
    wrong = client.post(
        "/api/v1/auth/setup", json={"token": "x", "email": "a@b.org", "password": PASSWORD}
    )
    assert wrong.status_code == 403
    made = client.post(
        "/api/v1/auth/setup", json={"token": token, "email": "a@b.org", "password": PASSWORD}
    )
    assert made.status_code == 201 and made.json()["role"] == "admin"
    again = client.post(
        "/api/v1/auth/setup", json={"token": token, "email": "c@b.org", "password": PASSWORD}
    )
    assert again.status_code == 403


def test_admin_from_settings_on_first_start(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "d",
        admin_email="root@example.org",
        admin_password=PASSWORD,  # type: ignore[arg-type]
    )
    app = create_app(settings)
    assert app.state.setup_token is None
    assert login(TestClient(app), "root@example.org")


def test_expired_api_token_is_refused(client: TestClient, settings: Settings) -> None:
    from datetime import timedelta

    from biovista.services.accounts.api_tokens import create_token
    from biovista.services.accounts.users import get_user_by_email

    with session_scope(settings.resolved_database_url) as session:
        user = get_user_by_email(session, "bob@example.org")
        secret = create_token(session, user, "old", "read", timedelta(seconds=-1)).secret
    response = client.get("/api/v1/users/me", headers=bearer(secret))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
