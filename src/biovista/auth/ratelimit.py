"""Login rate limits per account and per address: a sliding window of failed attempts.

Kept in process memory for the embedded single-process server, and in Redis (one sorted
set per key) when ``BIOVISTA_REDIS_URL`` is set, so that every API process of a
scaled-out deployment counts the same attempts.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Protocol

import redis


@dataclass
class SlidingWindow:
    limit: int
    seconds: float
    _events: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _trim(self, key: str, now: float) -> deque[float]:
        events = self._events[key]
        while events and events[0] <= now - self.seconds:
            events.popleft()
        return events

    def retry_after(self, key: str) -> float:
        """Seconds until ``key`` may try again; 0 when it may now."""
        now = time.monotonic()
        with self._lock:
            events = self._trim(key, now)
            if len(events) < self.limit:
                return 0.0
            return max(0.0, events[0] + self.seconds - now)

    def record(self, key: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._trim(key, now).append(now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)


class Window(Protocol):
    def retry_after(self, key: str) -> float: ...

    def record(self, key: str) -> None: ...

    def clear(self, key: str) -> None: ...


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
        pipe.expire(name, int(self.seconds) + 1)
        pipe.execute()

    def clear(self, key: str) -> None:
        self._redis.delete(self._key(key))


@dataclass
class LoginLimiter:
    """5 failed logins per account and 20 per address within 15 minutes."""

    per_account: Window = field(default_factory=lambda: SlidingWindow(5, 900))
    per_address: Window = field(default_factory=lambda: SlidingWindow(20, 900))

    @classmethod
    def for_redis(cls, url: str, prefix: str = "biovista:login") -> LoginLimiter:
        client = redis.Redis.from_url(url, socket_timeout=2)
        return cls(
            RedisWindow(client, f"{prefix}:account", 5, 900),
            RedisWindow(client, f"{prefix}:address", 20, 900),
        )

    def retry_after(self, account: str, address: str) -> float:
        return max(self.per_account.retry_after(account), self.per_address.retry_after(address))

    def failed(self, account: str, address: str) -> None:
        self.per_account.record(account)
        self.per_address.record(address)

    def succeeded(self, account: str) -> None:
        self.per_account.clear(account)
