"""Every response carries the security headers (CSP with ``frame-ancestors 'none'``,
``nosniff``, a referrer policy that keeps share-link tokens on this site), API and pages
alike, errors too; HSTS only when the request came over HTTPS. Against ``biovista serve``
in its own process."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from tests.server_process import PASSWORD, ServerProcess, serve_process, server_settings

from biovista.db.migrate import ensure_schema
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

PATHS = (
    "/health",
    "/api/v1/openapi.json",
    "/api/v1/projects",  # 401 without a login
    "/api/v1/no-such-route",  # 404
    "/login",  # the management app (Dash)
    "/dashboard/00000000-0000-0000-0000-000000000000",  # the viewer app
    "/dashboard-edit/00000000-0000-0000-0000-000000000000",  # the editor app
    "/dashboard/_dash-layout",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    settings = server_settings(tmp_path_factory.mktemp("headers"))
    ensure_schema(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "admin@example.org", PASSWORD, role="admin")
    with serve_process(settings) as running:
        yield running


def _directives(policy: str) -> dict[str, str]:
    parts = (d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    return {p[0]: (p[1] if len(p) > 1 else "") for p in parts}


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_headers(server: ServerProcess, path: str) -> None:
    answer = httpx.get(f"{server.url}{path}", timeout=30)
    headers = answer.headers
    policy = _directives(headers["content-security-policy"])
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    scripts = policy["script-src"].split()
    assert scripts[0] == "'self'" and "'unsafe-eval'" not in scripts
    assert "'unsafe-inline'" not in scripts  # only Dash's own inline scripts, by hash
    assert len(scripts) > 1 and all(s.startswith("'sha256-") for s in scripts[1:])
    assert "*" not in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in headers  # plain HTTP: HSTS would mean nothing
    assert len(headers.get_list("content-security-policy")) == 1


def test_hsts_only_over_https(server: ServerProcess) -> None:
    """Behind a TLS proxy on this host (uvicorn trusts 127.0.0.1's X-Forwarded-Proto)."""
    for path in ("/health", "/login", "/api/v1/projects"):
        answer = httpx.get(
            f"{server.url}{path}", headers={"X-Forwarded-Proto": "https"}, timeout=30
        )
        hsts = answer.headers["strict-transport-security"]
        assert "max-age=31536000" in hsts
    assert "strict-transport-security" not in httpx.get(f"{server.url}/health").headers


def test_a_logged_in_api_answer_too(server: ServerProcess) -> None:
    answer = httpx.get(
        f"{server.url}/api/v1/users/me", headers=server.login("admin@example.org"), timeout=30
    )
    assert answer.status_code == 200
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"
