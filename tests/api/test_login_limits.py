"""Failed-login limits stop guessers without letting anyone lock out an account's owner:
per (account, address), per address, and a per-account cap that spares addresses the owner
logged in from. Against ``biovista serve`` in its own process; the test plays clients at
other addresses through ``X-Forwarded-For``, which the server believes only from a trusted
proxy (loopback by default)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pydantic import ValidationError
from tests.server_process import PASSWORD, ServerProcess, serve_process, server_settings

from biovista.config import Settings
from biovista.db.migrate import ensure_schema
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user

PER_PAIR, PER_ADDRESS, PER_ACCOUNT = 3, 6, 8
LIMITS = {
    "BIOVISTA_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS": str(PER_PAIR),
    "BIOVISTA_LOGIN_FAILURES_PER_ADDRESS": str(PER_ADDRESS),
    "BIOVISTA_LOGIN_FAILURES_PER_ACCOUNT": str(PER_ACCOUNT),
}
PEOPLE = ("owner", "target", "famous", "quiet", *(f"user{i}" for i in range(8)))


def _start(
    tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]
) -> Iterator[ServerProcess]:
    settings = server_settings(tmp_path_factory.mktemp("login-limits"))
    ensure_schema(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as session:
        for name in PEOPLE:
            create_user(session, f"{name}@example.org", PASSWORD)
    with serve_process(settings, LIMITS | env) as running:
        yield running


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    yield from _start(tmp_path_factory, {})


def _login(server: ServerProcess, who: str, address: str, password: str = PASSWORD) -> int:
    answer = httpx.post(
        f"{server.url}/api/v1/auth/login",
        json={"email": f"{who}@example.org", "password": password},
        headers={"X-Forwarded-For": address},
        timeout=30,
    )
    assert answer.status_code in (200, 401, 429), answer.text
    if answer.status_code == 429:
        assert int(answer.headers["retry-after"]) > 0
    return answer.status_code


def test_a_stranger_cannot_lock_out_the_owner(server: ServerProcess) -> None:
    # Five wrong passwords used to lock the account for everyone for 15 minutes.
    tries = [_login(server, "target", "203.0.113.66", "guess") for _ in range(max(PER_PAIR, 5))]
    assert tries[:PER_PAIR] == [401] * PER_PAIR and set(tries) <= {401, 429}
    assert _login(server, "target", "203.0.113.66") == 429  # even with the right password
    # The owner, at an address never seen before, is not affected.
    assert _login(server, "target", "198.51.100.1") == 200


def test_the_same_address_is_throttled_and_forgiven_after_a_success(
    server: ServerProcess,
) -> None:
    for _ in range(PER_PAIR - 1):
        assert _login(server, "owner", "198.51.100.2", "typo") == 401
    assert _login(server, "owner", "198.51.100.2") == 200  # success forgives its own typos
    for _ in range(PER_PAIR):
        assert _login(server, "owner", "198.51.100.2", "typo") == 401
    assert _login(server, "owner", "198.51.100.2") == 429


def test_one_address_cannot_guess_many_accounts(server: ServerProcess) -> None:
    # Rotating through one IPv6 /64 counts as one address.
    for i in range(PER_ADDRESS):
        assert _login(server, f"user{i}", f"2001:db8:66::{i + 1}", "guess") == 401
    assert _login(server, "user7", "2001:db8:66::ff") == 429
    assert _login(server, "user7", "2001:db8:77::1") == 200  # another network is not


def test_the_account_cap_spares_known_addresses(server: ServerProcess) -> None:
    assert _login(server, "famous", "198.51.100.30") == 200  # the owner's usual address
    for i in range(PER_ACCOUNT):  # a guesser spread over many addresses
        assert _login(server, "famous", f"203.0.113.{100 + i}", "guess") == 401
    assert _login(server, "famous", "203.0.113.200") == 429  # a new address meets the cap
    assert _login(server, "famous", "198.51.100.30") == 200  # the known one does not


@pytest.fixture(scope="module")
def proxyless(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    yield from _start(tmp_path_factory, {"BIOVISTA_TRUSTED_PROXIES": ""})


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(
    proxyless: ServerProcess,
) -> None:
    for _ in range(PER_PAIR):
        assert _login(proxyless, "quiet", "203.0.113.9", "guess") == 401
    # Another claimed address changes nothing: every attempt came from loopback.
    assert _login(proxyless, "quiet", "198.51.100.9") == 429


def test_trusting_every_sender_is_refused() -> None:
    with pytest.raises(ValidationError, match="not an IP address or network"):
        Settings(trusted_proxies="*")
    assert Settings(trusted_proxies="10.0.0.0/8, ::1").trusted_proxy_list == ["10.0.0.0/8", "::1"]
