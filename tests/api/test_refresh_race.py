"""Refresh tokens stay single-use under concurrency: many parallel refreshes with one cookie
continue one login with one successor (the grace window hands the same successor to all of
them), and reuse after the window still ends the login. Against ``biovista serve`` in its own
process, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select
from tests.server_process import PASSWORD, ServerProcess, serve_process, server_settings

from biovista.db.migrate import ensure_schema
from biovista.db.models import RefreshToken
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

GRACE = 5.0  # wide enough for 16 requests on a busy 2-core machine
PARALLEL = 16
COOKIE = "biovista_refresh"


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, module_database_url: str
) -> Iterator[ServerProcess]:
    settings = server_settings(tmp_path_factory.mktemp("refresh-race"), module_database_url)
    ensure_schema(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "ada@example.org", PASSWORD)
    with serve_process(settings, {"BIOVISTA_REFRESH_GRACE_SECONDS": str(GRACE)}) as running:
        yield running


@pytest.fixture
def strict_server(server: ServerProcess) -> Iterator[ServerProcess]:
    """A second server on the same database with the grace window switched off."""
    with serve_process(server.settings, {"BIOVISTA_REFRESH_GRACE_SECONDS": "0"}) as running:
        yield running


def _login(server: ServerProcess) -> str:
    answer = httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"email": "ada@example.org", "password": PASSWORD},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    return answer.cookies[COOKIE]


def _refresh(server: ServerProcess, cookie: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/api/v1/auth/refresh", headers={"cookie": f"{COOKIE}={cookie}"}, timeout=60
    )


def _all_at_once(server: ServerProcess, cookie: str, count: int) -> list[httpx.Response]:
    """``count`` refreshes with ``cookie``, released together."""
    start = threading.Barrier(count)
    answers: list[httpx.Response | None] = [None] * count

    def one(index: int) -> None:
        with httpx.Client(timeout=60) as client:
            start.wait()
            answers[index] = client.post(
                f"{server.url}/api/v1/auth/refresh", headers={"cookie": f"{COOKIE}={cookie}"}
            )

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(answer is not None for answer in answers)
    return [answer for answer in answers if answer is not None]


def _family_size(server: ServerProcess, cookie: str) -> int:
    from biovista.auth.passwords import token_digest

    with session_scope(server.settings.resolved_database_url) as session:
        family = session.scalar(
            select(RefreshToken.family_id).where(RefreshToken.token_hash == token_digest(cookie))
        )
        return int(
            session.scalar(select(func.count()).where(RefreshToken.family_id == family)) or 0
        )


def test_parallel_refreshes_continue_one_login(server: ServerProcess) -> None:
    first = _login(server)
    answers = _all_at_once(server, first, PARALLEL)

    assert [a.status_code for a in answers] == [200] * PARALLEL, [a.text for a in answers]
    successors = {a.cookies[COOKIE] for a in answers}
    assert len(successors) == 1, f"{len(successors)} different successors"
    assert _family_size(server, first) == 2  # the spent token and its one successor
    for answer in answers:  # every access token handed out is a real one
        me = httpx.get(
            f"{server.url}/api/v1/users/me",
            headers={"Authorization": f"Bearer {answer.json()['access_token']}"},
            timeout=30,
        )
        assert me.status_code == 200

    (successor,) = successors
    onward = _refresh(server, successor)
    assert onward.status_code == 200
    assert _family_size(server, first) == 3


def test_without_grace_exactly_one_parallel_refresh_spends_the_token(
    strict_server: ServerProcess,
) -> None:
    """The spend itself is atomic: of many parallel refreshes one wins, the rest are reuse
    (and, with no grace window, end the login, the winner's successor included)."""
    first = _login(strict_server)
    answers = _all_at_once(strict_server, first, PARALLEL)

    assert sorted(a.status_code for a in answers) == [200] + [401] * (PARALLEL - 1)
    assert _family_size(strict_server, first) == 2  # one successor was ever made
    (won,) = [a for a in answers if a.status_code == 200]
    assert _refresh(strict_server, won.cookies[COOKIE]).status_code == 401


def test_reuse_after_the_grace_window_ends_the_login(server: ServerProcess) -> None:
    first = _login(server)
    second = _refresh(server, first).cookies[COOKIE]
    assert _refresh(server, first).cookies[COOKIE] == second  # within the window

    time.sleep(GRACE + 0.5)
    reused = _refresh(server, first)
    assert reused.status_code == 401
    assert "already used" in reused.json()["detail"]
    assert _refresh(server, second).status_code == 401  # the whole family is revoked


def test_parallel_reuse_after_the_window_revokes_every_successor(server: ServerProcess) -> None:
    first = _login(server)
    second = _refresh(server, first).cookies[COOKIE]
    time.sleep(GRACE + 0.5)

    answers = _all_at_once(server, first, PARALLEL // 2)
    assert {a.status_code for a in answers} == {401}
    assert _refresh(server, second).status_code == 401
