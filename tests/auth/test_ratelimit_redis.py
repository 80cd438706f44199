"""Login limits shared through Redis: two API processes count the same failures."""

from __future__ import annotations

import uuid
from pathlib import Path

import redis
from fastapi.testclient import TestClient

from biovista.api.app import create_app
from biovista.auth.ratelimit import LoginLimiter, LoginLimits
from biovista.config import Settings
from biovista.db.session import session_scope
from biovista.services.accounts.users import create_user


def test_windows_are_shared_between_limiters(redis_url: str) -> None:
    prefix = f"test:{uuid.uuid4().hex}"
    first = LoginLimiter.for_redis(redis_url, prefix)
    second = LoginLimiter.for_redis(redis_url, prefix)
    for _ in range(5):
        first.failed("ada@example.org", "10.0.0.1")
    assert second.retry_after("ada@example.org", "10.0.0.1") > 800  # this pair is stopped
    assert second.retry_after("ada@example.org", "10.0.0.2") == 0  # the owner elsewhere is not
    assert second.retry_after("bob@example.org", "10.0.0.1") == 0
    second.succeeded("ada@example.org", "10.0.0.1")
    assert first.retry_after("ada@example.org", "10.0.0.1") == 0
    keys = redis.Redis.from_url(redis_url).keys(f"{prefix}:*")
    windows = [k for k in keys if b":known:" not in k]
    assert windows and all(redis.Redis.from_url(redis_url).ttl(k) <= 901 for k in windows)


def test_known_addresses_and_caps_are_shared(redis_url: str) -> None:
    """The per-account cap stops strangers on every process, never a known address."""
    prefix = f"test:{uuid.uuid4().hex}"
    limits = LoginLimits(per_account_address=3, per_address=4, per_account=6)
    first = LoginLimiter.for_redis(redis_url, prefix, limits)
    second = LoginLimiter.for_redis(redis_url, prefix, limits)
    first.succeeded("ada@example.org", "2001:db8::1")
    for attempt in range(6):
        second.failed("ada@example.org", f"10.0.1.{attempt}")
    assert first.retry_after("ada@example.org", "10.0.2.1") > 800  # a stranger
    assert first.retry_after("ada@example.org", "2001:db8::99") == 0  # same /64: known
    for _ in range(4):
        second.failed("bob@example.org", "10.0.3.1")
    assert first.retry_after("carol@example.org", "10.0.3.1") > 800  # per-address cap
    known = redis.Redis.from_url(redis_url).keys(f"{prefix}:known:*")
    assert known and all(0 < redis.Redis.from_url(redis_url).ttl(k) <= 30 * 86400 for k in known)


def test_two_servers_refuse_together(redis_url: str, tmp_path: Path) -> None:
    redis.Redis.from_url(redis_url).delete(
        *redis.Redis.from_url(redis_url).keys("biovista:login:*") or ["none"]
    )
    settings = Settings(data_dir=tmp_path / "data", redis_url=redis_url)
    apps = [TestClient(create_app(settings)), TestClient(create_app(settings))]
    with session_scope(settings.resolved_database_url) as session:
        create_user(session, "eve@example.org", "a long enough password")
    for attempt in range(5):
        wrong = apps[attempt % 2].post(
            "/api/v1/auth/login", json={"email": "eve@example.org", "password": "x"}
        )
        assert wrong.status_code == 401
    blocked = apps[1].post(
        "/api/v1/auth/login",
        json={"email": "eve@example.org", "password": "a long enough password"},
    )
    assert blocked.status_code == 429
    LoginLimiter.for_redis(redis_url).succeeded("eve@example.org", "testclient")
