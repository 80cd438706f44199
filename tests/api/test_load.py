"""Under load the server answers every request, without a 5xx, and ``/health`` all along.

A real ``biovista serve`` process on loopback gets 400 mixed requests (rows, renders, lists,
dashboard pages, Dash callbacks) with 200 in flight, on SQLite and on PostgreSQL, with the
default settings. Before admission control and the pool sizing, the same traffic got 500s
after 30-60 s (``QueuePool limit of size 5 overflow 10 reached``) and dropped connections.
With a tiny cap, the requests beyond it get a quick 503 with ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session
from tests.live_server import live_server
from tests.load_traffic import dashboard_ids, drive, login, mix, seed
from tests.server_process import PASSWORD, ServerProcess, serve_process, server_settings

from biovista.api.app import create_app
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

pytestmark = pytest.mark.slow

REQUESTS = 400
CONCURRENCY = 200


@pytest.fixture(scope="module")
def seeded(module_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = server_settings(tmp_path_factory.mktemp("load"), module_database_url)
    seed(settings, PASSWORD)
    return settings


@pytest.fixture(scope="module")
def server(seeded: Settings) -> Iterator[ServerProcess]:
    with serve_process(seeded) as running:
        yield running


def test_mixed_load_is_answered_without_server_errors(
    server: ServerProcess, seeded: Settings
) -> None:
    token = login(server.url, PASSWORD)
    calls = mix(dashboard_ids(seeded), REQUESTS)
    outcome = asyncio.run(drive(server.url, token, calls, CONCURRENCY, timeout=60))
    assert outcome.failures == [], outcome.failures[:5]
    assert len(outcome.calls) == REQUESTS
    assert outcome.server_errors() == [], outcome.statuses()
    assert set(outcome.statuses()) == {200}, outcome.statuses()
    assert max(seconds for _, _, seconds in outcome.calls) < 60
    assert outcome.health and all(status == 200 for status, _ in outcome.health)
    started = time.perf_counter()
    assert httpx.get(f"{server.url}/health", timeout=10).status_code == 200
    assert time.perf_counter() - started < 2
    rows = httpx.get(
        f"{server.url}/api/v1/projects/penguins/collections/physical/rows?limit=1",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert rows.status_code == 200, rows.text  # still usable afterwards


def test_beyond_a_tiny_cap_the_answer_is_a_quick_503(seeded: Settings) -> None:
    env = {
        "BIOVISTA_MAX_CONCURRENT_REQUESTS": "1",
        "BIOVISTA_MAX_QUEUED_REQUESTS": "2",
        "BIOVISTA_QUEUE_TIMEOUT_SECONDS": "1",
    }
    with serve_process(seeded, env) as server:
        token = login(server.url, PASSWORD)
        board = dashboard_ids(seeded)[0]
        headers = {"Authorization": f"Bearer {token}"}

        async def burst() -> list[tuple[httpx.Response, float]]:
            async with httpx.AsyncClient(base_url=server.url, headers=headers) as client:

                async def one() -> tuple[httpx.Response, float]:
                    started = time.perf_counter()
                    answer = await client.post(f"/api/v1/dashboards/{board}/render", json={})
                    return answer, time.perf_counter() - started

                return await asyncio.gather(*(one() for _ in range(40)))

        answers = asyncio.run(burst())
        assert httpx.get(f"{server.url}/health", timeout=5).status_code == 200
    refused = [(a, s) for a, s in answers if a.status_code == 503]
    assert {a.status_code for a, _ in answers} == {200, 503}
    assert len(refused) >= 30
    for answer, seconds in refused:
        assert seconds < 10
        assert answer.headers["retry-after"].isdigit()
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["status"] == 503
        assert "busy" in answer.json()["detail"]


def test_a_starved_connection_pool_answers_503_not_500(seeded: Settings) -> None:
    """One connection and a route that needs two: the wait ends in a 503 within the pool
    timeout (before: a 500 after 30 s)."""
    env = {"BIOVISTA_DB_POOL_SIZE": "1", "BIOVISTA_DB_POOL_TIMEOUT_SECONDS": "0.5"}
    with serve_process(seeded, env) as server:
        token = login(server.url, PASSWORD)
        started = time.perf_counter()
        answer = httpx.get(
            f"{server.url}/api/v1/projects/penguins/collections/physical/rows?limit=1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert time.perf_counter() - started < 10
        assert answer.status_code == 503, answer.text
        assert answer.headers["retry-after"].isdigit()
        assert answer.json()["detail"].startswith("the server is busy")
        assert httpx.get(f"{server.url}/health", timeout=5).status_code == 200


def test_a_write_is_committed_before_its_answer_is_sent(tmp_path: Path) -> None:
    """A client that saw 201 finds the write in the database (before, the request's
    session committed after the answer had gone out)."""
    settings = server_settings(tmp_path)
    app = create_app(settings)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "writer@example.org", PASSWORD)
    order: list[str] = []

    async def recording(scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        async def watched(message: dict) -> None:  # type: ignore[type-arg]
            if message["type"] == "http.response.start" and scope["path"] == "/api/v1/tokens":
                order.append("answer")
            await send(message)  # type: ignore[operator]

        await app(scope, receive, watched)  # type: ignore[arg-type]

    def committed(session: Session) -> None:
        order.append("commit")

    event.listen(Session, "after_commit", committed)
    try:
        with live_server(recording) as url:
            login_answer = httpx.post(
                f"{url}/api/v1/auth/login",
                json={"email": "writer@example.org", "password": PASSWORD},
                timeout=30,
            )
            headers = {"Authorization": f"Bearer {login_answer.json()['access_token']}"}
            order.clear()
            made = httpx.post(
                f"{url}/api/v1/tokens", json={"name": "ci"}, headers=headers, timeout=30
            )
            assert made.status_code == 201, made.text
    finally:
        event.remove(Session, "after_commit", committed)
    assert order[-1] == "answer" and "commit" in order, order
