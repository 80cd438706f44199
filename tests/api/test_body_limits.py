"""Request bodies over ``BIOVISTA_MAX_BODY_BYTES`` are refused with 413 before the server
holds them, on the API, the import routes and the Dash callbacks; the upload routes keep
their own, larger limits. Against ``biovista serve`` in its own process, over raw sockets
where the test must control how the body is sent.

Before, 300 MB sent to ``/_dash-update-component`` grew the server to 3.7 GB and answered
500, and the imports read the whole body before their own 1 MB check.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from tests.server_process import PASSWORD, ServerProcess, serve_process, server_settings

from biovista.db.migrate import ensure_schema
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

LIMIT = 64 * 1024
World = tuple[ServerProcess, dict[str, str]]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    settings = server_settings(tmp_path_factory.mktemp("body-limits"))
    ensure_schema(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "admin@example.org", PASSWORD, role="admin")
    with serve_process(settings, {"BIOVISTA_MAX_BODY_BYTES": str(LIMIT)}) as running:
        admin = running.login("admin@example.org")
        running.create_uploads_project(admin)
        yield running, admin


def _exchange(url: str, head: str, body: Iterator[bytes]) -> tuple[int, dict[str, str], bytes]:
    """Send ``head`` and the ``body`` pieces on one connection, then read the answer."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(head.encode())
        try:
            for piece in body:
                sock.sendall(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the whole body was sent
        received = b""
        while b"\r\n\r\n" not in received or not _complete(received):
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    header, _, content = received.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, content


def _complete(received: bytes) -> bool:
    header, _, content = received.partition(b"\r\n\r\n")
    for line in header.decode("latin-1").split("\r\n"):
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            return len(content) >= int(value)
    return False


def _head(method: str, path: str, headers: dict[str, str]) -> str:
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return "\r\n".join(lines) + "\r\n\r\n"


def _chunked(total: int, piece: int = 8192) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        size = min(piece, total - sent)
        yield f"{size:x}\r\n".encode() + b"x" * size + b"\r\n"
        sent += size
    yield b"0\r\n\r\n"


def _assert_413(status: int, headers: dict[str, str], content: bytes) -> None:
    assert status == 413, content[:300]
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(content)
    assert problem["status"] == 413
    assert (
        f"{LIMIT:,} bytes" in problem["detail"] and "BIOVISTA_MAX_BODY_BYTES" in problem["detail"]
    )


def test_a_too_long_content_length_is_refused_before_the_body_is_sent(server: World) -> None:
    running, _ = server
    head = _head(
        "POST",
        "/_dash-update-component",
        {"Content-Type": "application/json", "Content-Length": str(300 * 2**20)},
    )
    _assert_413(*_exchange(running.url, head, iter(())))  # not one byte of the body sent


def test_a_chunked_body_is_refused_once_it_passes_the_limit(server: World) -> None:
    running, _ = server
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    head = _head("POST", "/dashboard/_dash-update-component", headers)
    _assert_413(*_exchange(running.url, head, _chunked(4 * LIMIT)))


def test_api_and_import_routes_share_the_limit(server: World) -> None:
    running, admin = server
    token = admin["Authorization"]
    big = "#" + "x" * (2 * LIMIT) + "\n"
    for path in ("/api/v1/projects/penguins/dashboards/import", "/api/v1/projects"):
        answer = httpx.post(
            f"{running.url}{path}",
            content=big,
            headers={"Authorization": token, "content-type": "application/yaml"},
            timeout=30,
        )
        _assert_413(answer.status_code, dict(answer.headers), answer.content)
    headers = {
        "Authorization": token,
        "Content-Type": "application/json",
        "Transfer-Encoding": "chunked",
    }
    head = _head("POST", "/api/v1/tokens", headers)
    _assert_413(*_exchange(running.url, head, _chunked(2 * LIMIT)))
    within = httpx.post(
        f"{running.url}/api/v1/tokens", json={"name": "ok" * 10}, headers=admin, timeout=30
    )
    assert within.status_code == 201, within.text


def test_an_upload_route_still_takes_more_than_the_limit(server: World) -> None:
    running, admin = server
    content = bytes(range(256)) * (3 * LIMIT // 256)
    stored = httpx.put(
        f"{running.url}/api/v1/projects/penguins/uploads/run_9_big/blob.bin",
        content=content,
        headers=admin,
        timeout=60,
    )
    assert stored.status_code == 201, stored.text
    assert stored.json()["size"] == len(content)
    opened = httpx.post(
        f"{running.url}/api/v1/projects/penguins/upload-sessions",
        json={"path": "run_9_big/chunked.bin", "size": len(content)},
        headers=admin,
        timeout=30,
    )
    assert opened.status_code == 201, opened.text
    chunk = httpx.put(
        f"{running.url}/api/v1/projects/penguins/upload-sessions/{opened.json()['id']}",
        params={"offset": 0},
        content=content,
        headers=admin | {"content-type": "application/octet-stream"},
        timeout=60,
    )
    assert chunk.status_code == 200, chunk.text
    assert chunk.json()["received"] == len(content)
