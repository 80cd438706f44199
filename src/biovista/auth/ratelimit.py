"""Login rate limits per account and per address: a sliding window of failed attempts.

Kept in process memory, which is right for the embedded single-process server; a
scaled-out deployment needs a shared store (Redis), which arrives with the cache work.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field


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


@dataclass
class LoginLimiter:
    """5 failed logins per account and 20 per address within 15 minutes."""

    per_account: SlidingWindow = field(default_factory=lambda: SlidingWindow(5, 900))
    per_address: SlidingWindow = field(default_factory=lambda: SlidingWindow(20, 900))

    def retry_after(self, account: str, address: str) -> float:
        return max(self.per_account.retry_after(account), self.per_address.retry_after(address))

    def failed(self, account: str, address: str) -> None:
        self.per_account.record(account)
        self.per_address.record(address)

    def succeeded(self, account: str) -> None:
        self.per_account.clear(account)
