"""Failed-login limits that slow a password guesser without letting anyone lock out a user.

Three sliding windows of failed attempts, and a memory of known addresses:

- per (account, address): 5 failures in 15 minutes stop that address guessing that account;
  the owner elsewhere is not affected;
- per address (an IPv6 /64 counts as one): 20 failures stop it guessing any account;
- per account, for addresses that are *not known* to it: a larger cap (100) that bounds a
  guesser spread over many addresses. An address that logged into the account successfully
  in the last 30 days is known and never meets this cap, so the owner keeps working.

Kept in process memory for the embedded single-process server, and in Redis (sorted sets
that expire themselves) when ``BIOVISTA_REDIS_URL`` is set, so that every API process of a
scaled-out deployment counts the same attempts.
"""

from __future__ import annotations

import ipaddress
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import redis

if TYPE_CHECKING:
    from biovista.config import Settings

_SWEEP_AT = 4096
"""The in-memory stores drop expired keys once they hold this many (then twice as many):
attackers choose the keys, so memory must not grow with every e-mail they try."""


@dataclass(frozen=True)
class LoginLimits:
    per_account_address: int = 5
    per_address: int = 20
    per_account: int = 100
    window_seconds: float = 900.0
    known_address_seconds: float = 30 * 86400.0

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginLimits:
        return cls(
            per_account_address=settings.login_failures_per_account_address,
            per_address=settings.login_failures_per_address,
            per_account=settings.login_failures_per_account,
            window_seconds=settings.login_window_seconds,
            known_address_seconds=settings.login_known_address_days * 86400.0,
        )


def address_key(address: str) -> str:
    """The unit an address is counted in: an IPv4 address, or an IPv6 /64 (one host's
    usual allocation, so rotating through it gains nothing)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class Window(Protocol):
    def retry_after(self, key: str) -> float: ...

    def record(self, key: str) -> None: ...

    def clear(self, key: str) -> None: ...


class KnownAddresses(Protocol):
    def is_known(self, account: str, address: str) -> bool: ...

    def remember(self, account: str, address: str) -> None: ...


@dataclass
class SlidingWindow:
    """At most ``limit`` events per key in any ``seconds``; only the last ``limit`` are kept."""

    limit: int
    seconds: float
    _events: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    sweep_at: int = _SWEEP_AT
    """Drop expired keys once this many are held (then at twice what remains)."""

    def __post_init__(self) -> None:
        self._next_sweep = self.sweep_at

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may try again; 0 when it may now."""
        now = time.monotonic()
        with self._lock:
            events = self._events.get(key)
            if events is None or len(events) < self.limit:
                return 0.0
            return max(0.0, events[0] + self.seconds - now)

    def record(self, key: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._events.setdefault(key, deque(maxlen=self.limit)).append(now)
            if len(self._events) >= self._next_sweep:
                self._events = {
                    k: v for k, v in self._events.items() if v and v[-1] > now - self.seconds
                }
                self._next_sweep = max(self.sweep_at, 2 * len(self._events))

    def clear(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)


@dataclass
class MemoryKnownAddresses:
    """Which addresses logged into which account, and when (monotonic seconds)."""

    seconds: float
    _seen: dict[str, dict[str, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def is_known(self, account: str, address: str) -> bool:
        with self._lock:
            when = self._seen.get(account, {}).get(address)
            return when is not None and when > time.monotonic() - self.seconds

    def remember(self, account: str, address: str) -> None:
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(account, {})
            seen[address] = now
            for old in [a for a, when in seen.items() if when <= now - self.seconds]:
                del seen[old]


class RedisWindow:
    """The same window in Redis: a sorted set of attempt times per key, expiring itself."""

    def __init__(self, client: redis.Redis, prefix: str, limit: int, seconds: float) -> None:
        self._redis, self._prefix, self.limit, self.seconds = client, prefix, limit, seconds

    def _key(self, key: str) -> str:
        return f"{self._prefix}:{key}"

    def retry_after(self, key: str) -> float:
        now = time.time()
        name = self._key(key)
        pipe = self._redis.pipeline()
        pipe.zremrangebyscore(name, 0, now - self.seconds)
        pipe.zcard(name)
        pipe.zrange(name, 0, 0, withscores=True)
        _, count, oldest = pipe.execute()
        if int(count) < self.limit or not oldest:
            return 0.0
        return max(0.0, float(oldest[0][1]) + self.seconds - now)

    def record(self, key: str) -> None:
        now = time.time()
        name = self._key(key)
        pipe = self._redis.pipeline()
        pipe.zadd(name, {f"{now}:{uuid.uuid4().hex}": now})
        pipe.zremrangebyrank(name, 0, -(self.limit + 1))  # only the last ``limit`` matter
        pipe.expire(name, int(self.seconds) + 1)
        pipe.execute()

    def clear(self, key: str) -> None:
        self._redis.delete(self._key(key))


class RedisKnownAddresses:
    """Known addresses in Redis: one sorted set per account, address → last login time."""

    def __init__(self, client: redis.Redis, prefix: str, seconds: float) -> None:
        self._redis, self._prefix, self.seconds = client, prefix, seconds

    def is_known(self, account: str, address: str) -> bool:
        when: float | None = self._redis.zscore(  # type: ignore[assignment]
            f"{self._prefix}:{account}", address
        )
        return when is not None and float(when) > time.time() - self.seconds

    def remember(self, account: str, address: str) -> None:
        now = time.time()
        name = f"{self._prefix}:{account}"
        pipe = self._redis.pipeline()
        pipe.zadd(name, {address: now})
        pipe.zremrangebyscore(name, 0, now - self.seconds)
        pipe.expire(name, max(1, int(self.seconds)))
        pipe.execute()


class LoginLimiter:
    """Decides whether a login attempt for ``account`` from ``address`` may be checked."""

    def __init__(
        self,
        limits: LoginLimits | None = None,
        *,
        windows: tuple[Window, Window, Window] | None = None,
        known: KnownAddresses | None = None,
    ) -> None:
        """``windows`` are per (account, address), per address and per account; by
        default all of it is kept in this process."""
        self.limits = limits = limits or LoginLimits()
        seconds = limits.window_seconds
        self.per_account_address, self.per_address, self.per_account = windows or (
            SlidingWindow(limits.per_account_address, seconds),
            SlidingWindow(limits.per_address, seconds),
            SlidingWindow(limits.per_account, seconds),
        )
        self.known = known or MemoryKnownAddresses(limits.known_address_seconds)

    @classmethod
    def for_redis(
        cls, url: str, prefix: str = "biovista:login", limits: LoginLimits | None = None
    ) -> LoginLimiter:
        limits = limits or LoginLimits()
        client = redis.Redis.from_url(url, socket_timeout=2)
        seconds = limits.window_seconds
        windows = (
            RedisWindow(client, f"{prefix}:pair", limits.per_account_address, seconds),
            RedisWindow(client, f"{prefix}:address", limits.per_address, seconds),
            RedisWindow(client, f"{prefix}:account", limits.per_account, seconds),
        )
        known = RedisKnownAddresses(client, f"{prefix}:known", limits.known_address_seconds)
        return cls(limits, windows=windows, known=known)

    @classmethod
    def for_settings(cls, settings: Settings) -> LoginLimiter:
        """In Redis when the deployment has one, else in this process."""
        limits = LoginLimits.from_settings(settings)
        if settings.redis_url:
            return cls.for_redis(settings.redis_url, limits=limits)
        return cls(limits)

    def retry_after(self, account: str, address: str) -> float:
        """Seconds until this address may try this account again; 0 when it may now."""
        where = address_key(address)
        waits = [
            self.per_account_address.retry_after(f"{account}|{where}"),
            self.per_address.retry_after(where),
        ]
        if not self.known.is_known(account, where):
            waits.append(self.per_account.retry_after(account))
        return max(waits)

    def failed(self, account: str, address: str) -> None:
        where = address_key(address)
        self.per_account_address.record(f"{account}|{where}")
        self.per_address.record(where)
        self.per_account.record(account)

    def succeeded(self, account: str, address: str) -> None:
        """The address is now known to the account and its own failures are forgiven; the
        account's and the address's totals stay (a guesser who also owns an account, or
        guesses right once, gains nothing)."""
        where = address_key(address)
        self.per_account_address.clear(f"{account}|{where}")
        self.known.remember(account, where)
