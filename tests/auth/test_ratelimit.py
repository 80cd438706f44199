"""The in-process login limiter: the same rules as in Redis, and memory that does not grow
with every e-mail an attacker tries."""

from __future__ import annotations

from biovista.auth.ratelimit import LoginLimiter, LoginLimits, SlidingWindow, address_key


def test_addresses_count_per_host_or_ipv6_network() -> None:
    assert address_key("10.1.2.3") == "10.1.2.3"
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:ffff::9")
    assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")
    assert address_key("::ffff:10.1.2.3") == "10.1.2.3"
    assert address_key("x" * 500) == "x" * 64  # not an address (a proxy's label): bounded


def test_rules_in_memory() -> None:
    limiter = LoginLimiter(LoginLimits(per_account_address=2, per_address=3, per_account=4))
    limiter.succeeded("ada", "10.0.0.1")
    for i in range(4):
        limiter.failed("ada", f"10.9.0.{i}")
    assert limiter.retry_after("ada", "10.9.1.1") > 0  # a stranger meets the account cap
    assert limiter.retry_after("ada", "10.0.0.1") == 0  # the known address does not
    limiter.failed("bob", "10.0.0.2")
    limiter.failed("bob", "10.0.0.2")
    assert limiter.retry_after("bob", "10.0.0.2") > 0
    assert limiter.retry_after("bob", "10.0.0.3") == 0
    limiter.failed("carol", "10.0.0.2")
    assert limiter.retry_after("dave", "10.0.0.2") > 0  # three failures from one address


def test_windows_forget_expired_keys_and_keep_only_the_last_events() -> None:
    window = SlidingWindow(limit=5, seconds=0.0001, sweep_at=100)
    for i in range(1000):
        window.record(f"victim{i}@example.org")
        window.record("one key")
    assert len(window._events) < 200
    assert len(window._events.get("one key", ())) <= 5
    assert window.retry_after("never seen") == 0 and "never seen" not in window._events
