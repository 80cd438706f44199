"""What the security review tried and the server refused, kept refused: forged access
tokens, credentials of a disabled user, strangers probing for projects, path tricks, and a
server killed in the middle of an upload. Against ``biovista serve`` in its own process."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from tests.server_process import PASSWORD, ServerProcess, serve_process, server_settings

from biovista.auth.keys import KeyRing
from biovista.config import Settings
from biovista.db.migrate import ensure_schema
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

PEOPLE = ("viewer", "stranger", "leaver")
UPLOAD = bytes(range(256)) * 400  # 100 KiB


@dataclass(frozen=True)
class World:
    server: ServerProcess
    admin: dict[str, str]
    viewer: dict[str, str]
    viewer_id: uuid.UUID

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return httpx.get(f"{self.server.url}{path}", headers=headers or {}, timeout=30)


def _seed(settings: Settings) -> None:
    ensure_schema(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "admin@example.org", PASSWORD, role="admin")
        for name in PEOPLE:
            create_user(session, f"{name}@example.org", PASSWORD)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    settings = server_settings(tmp_path_factory.mktemp("held-up"))
    _seed(settings)
    with serve_process(settings) as server:
        admin = server.login("admin@example.org")
        server.create_uploads_project(admin)
        grant = {"role": "viewer", "user": "viewer@example.org"}
        members = f"{server.url}/api/v1/projects/penguins/members"
        assert httpx.post(members, json=grant, headers=admin, timeout=30).status_code == 201
        viewer = server.login("viewer@example.org")
        me = httpx.get(f"{server.url}/api/v1/users/me", headers=viewer, timeout=30).json()
        yield World(server, admin, viewer, uuid.UUID(me["id"]))


def _claims(user_id: uuid.UUID, **changes: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    claims = {
        "iss": "biovista",
        "aud": "biovista",
        "sub": str(user_id),
        "iat": now,
        "nbf": now,
        "exp": now + timedelta(minutes=15),
        "role": "admin",
        "scope": "admin",
    }
    return claims | changes


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _signing_input(claims: dict[str, Any], header: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return _b64(json.dumps(value, default=lambda d: int(d.timestamp())).encode())

    return f"{part(header)}.{part(claims)}"


def _hs256_with(key: bytes, claims: dict[str, Any], kid: str) -> str:
    """The classic confusion: HMAC keyed with the published public key (pyjwt itself
    refuses to make one, so it is made by hand)."""
    signed = _signing_input(claims, {"alg": "HS256", "typ": "JWT", "kid": kid})
    return f"{signed}.{_b64(hmac.new(key, signed.encode(), hashlib.sha256).digest())}"


def _forgeries(world: World) -> dict[str, str]:
    """Admin tokens for the viewer made without the server's private key."""
    ring = KeyRing(world.server.settings.data_dir / "keys")
    real = ring.active()
    public_raw = real.public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    public_pem = real.public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    claims = _claims(world.viewer_id)
    own_key = Ed25519PrivateKey.generate()
    own_jwk = json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(own_key.public_key()))
    none_header = {"alg": "none", "typ": "JWT", "kid": real.kid}
    return {
        "alg none": _signing_input(claims, none_header) + ".",
        "HS256 keyed with the public PEM": _hs256_with(public_pem, claims, real.kid),
        "HS256 keyed with the raw public key": _hs256_with(public_raw, claims, real.kid),
        "unknown kid": jwt.encode(claims, own_key, algorithm="EdDSA", headers={"kid": "nope"}),
        "own key under the real kid": jwt.encode(
            claims, own_key, algorithm="EdDSA", headers={"kid": real.kid}
        ),
        "embedded jwk": jwt.encode(
            claims, own_key, algorithm="EdDSA", headers={"kid": real.kid, "jwk": own_jwk}
        ),
        "expired": jwt.encode(
            _claims(world.viewer_id, exp=datetime.now(UTC) - timedelta(minutes=1)),
            real.private,
            algorithm="EdDSA",
            headers={"kid": real.kid},
        ),
        "wrong audience": jwt.encode(
            _claims(world.viewer_id, aud="another-service"),
            real.private,
            algorithm="EdDSA",
            headers={"kid": real.kid},
        ),
    }


def test_forged_access_tokens_are_refused(world: World) -> None:
    for name, token in _forgeries(world).items():
        answer = world.get("/api/v1/users", {"Authorization": f"Bearer {token}"})
        assert answer.status_code == 401, (name, answer.text)
        assert answer.headers["content-type"] == "application/problem+json", name
    # The viewer's own token is real, and still does not make them an admin.
    assert world.get("/api/v1/users", world.viewer).status_code == 403


def test_a_disabled_user_loses_every_credential(world: World) -> None:
    url = world.server.url
    login = httpx.post(
        f"{url}/api/v1/auth/login",
        json={"email": "leaver@example.org", "password": PASSWORD},
        timeout=30,
    )
    access = {"Authorization": f"Bearer {login.json()['access_token']}"}
    cookie = login.cookies["biovista_refresh"]
    made = httpx.post(f"{url}/api/v1/tokens", json={"name": "cli"}, headers=access, timeout=30)
    assert made.status_code == 201, made.text
    api_token = {"Authorization": f"Bearer {made.json()['token']}"}
    assert world.get("/api/v1/users/me", api_token).status_code == 200
    me = world.get("/api/v1/users/me", access).json()

    disabled = httpx.patch(
        f"{url}/api/v1/users/{me['id']}", json={"disabled": True}, headers=world.admin, timeout=30
    )
    assert disabled.status_code == 200, disabled.text
    assert world.get("/api/v1/users/me", access).status_code == 401
    assert world.get("/api/v1/users/me", api_token).status_code == 401
    refreshed = httpx.post(
        f"{url}/api/v1/auth/refresh", cookies={"biovista_refresh": cookie}, timeout=30
    )
    assert refreshed.status_code == 401


def test_strangers_cannot_tell_hidden_projects_from_missing_ones(world: World) -> None:
    stranger = world.server.login("stranger@example.org")
    for path in ("", "/collections", "/members", "/dashboards", "/files"):
        hidden = world.get(f"/api/v1/projects/penguins{path}", stranger)
        missing = world.get(f"/api/v1/projects/no-such-project{path}", stranger)
        assert hidden.status_code == missing.status_code == 404, path
        assert hidden.json()["detail"] == missing.json()["detail"].replace(
            "no-such-project", "penguins"
        )


@pytest.mark.parametrize(
    "path",
    [
        "../../keys/x.pem",
        "..%2F..%2Fbiovista.db",
        "%2e%2e/%2e%2e/biovista.db",
        "/etc/passwd",
        "run_1/../../../biovista.db",
    ],
)
def test_path_tricks_reach_nothing(world: World, path: str) -> None:
    for route in ("files", "uploads"):
        answer = world.get(f"/api/v1/projects/penguins/{route}/{path}", world.viewer)
        assert answer.status_code in (400, 404, 422), (route, path, answer.status_code)
        assert b"PRIVATE KEY" not in answer.content and b"SQLite" not in answer.content


def test_an_upload_survives_the_server_being_killed(tmp_path: Path) -> None:
    """SIGKILL between two chunks: after a restart the session resumes at the offset the
    server had written, and the finished file is whole."""
    settings = server_settings(tmp_path)
    _seed(settings)
    digest = hashlib.sha256(UPLOAD).hexdigest()
    with serve_process(settings) as first:
        admin = first.login("admin@example.org")
        first.create_uploads_project(admin)
        body = {"path": "reads/kill.bin", "size": len(UPLOAD), "sha256": digest}
        url = f"{first.url}/api/v1/projects/penguins/upload-sessions"
        opened = httpx.post(url, json=body, headers=admin, timeout=30).json()
        chunk = httpx.put(
            f"{url}/{opened['id']}",
            params={"offset": 0},
            content=UPLOAD[:40_000],
            headers=admin,
            timeout=30,
        )
        assert chunk.json()["received"] == 40_000
        first.process.kill()
        first.process.wait(timeout=10)
    with serve_process(settings) as second:
        admin = second.login("admin@example.org")
        url = f"{second.url}/api/v1/projects/penguins/upload-sessions/{opened['id']}"
        offset = int(httpx.get(url, headers=admin, timeout=30).headers["Upload-Offset"])
        assert offset == 40_000
        done = httpx.put(
            url, params={"offset": offset}, content=UPLOAD[offset:], headers=admin, timeout=30
        )
        assert done.json()["status"] == "complete", done.text
        fetched = httpx.get(
            f"{second.url}/api/v1/projects/penguins/uploads/reads/kill.bin",
            headers=admin,
            timeout=30,
        )
        assert fetched.content == UPLOAD
