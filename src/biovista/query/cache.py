"""A cache of computed component results, as bytes, keyed by everything the result depends on.

Every API process keeps a small LRU in memory; with ``BIOVISTA_REDIS_URL`` set, the processes
also share results through Redis, inside a byte budget of their own and with a TTL on every
key, so that the cache can never crowd out or evict anyone else's data in a shared Redis.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from typing import Any, Protocol, cast

import redis

from biovista.config import Settings

log = logging.getLogger(__name__)

REDIS_PREFIX = "biovista:result:"
ENTRY_OVERHEAD = 128
"""Bytes counted per entry beyond key and value: the bookkeeping around them is not free."""
WARN_EVERY = 60.0
"""Seconds between two warnings about an unreachable Redis, so that an outage logs little."""
RETRY_AFTER = 5.0
"""Seconds to skip Redis after an error, so that renders don't each wait for a timeout."""


def _plain(value: object) -> object:
    """A JSON-able stand-in for ``value``, the same in every process (sets are sorted)."""
    if isinstance(value, set | frozenset):
        return sorted(value, key=lambda item: json.dumps(item, sort_keys=True, default=_plain))
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump):  # pydantic models: their fields, not their repr
        return model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


def result_key(*parts: object) -> str:
    """A sha256 (hex) of the parts as canonical JSON: equal for equal parts in any process,
    whatever the order of dict keys, and different as soon as any part changes."""
    text = json.dumps(
        parts, sort_keys=True, default=_plain, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode()).hexdigest()


@dataclasses.dataclass(frozen=True)
class CacheStats:
    """What a cache has done and holds: gets answered and missed, entries and bytes kept."""

    hits: int = 0
    misses: int = 0
    entries: int = 0
    bytes: int = 0


class ResultCache(Protocol):
    """What the render service needs from a cache; every tier has this shape."""

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, value: bytes) -> None: ...

    def clear(self) -> None: ...

    def stats(self) -> CacheStats: ...

    def policy_problem(self) -> str | None: ...


class NoCache:
    """Caching switched off: nothing is kept, every get misses."""

    def __init__(self) -> None:
        self._misses = 0

    def get(self, key: str) -> bytes | None:
        self._misses += 1
        return None

    def put(self, key: str, value: bytes) -> None:
        return None

    def clear(self) -> None:
        self._misses = 0

    def stats(self) -> CacheStats:
        return CacheStats(misses=self._misses)

    def policy_problem(self) -> str | None:
        return None


class MemoryCache:
    """An LRU of bytes in this process, held under ``max_bytes`` (keys and overhead count)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, bytes] = OrderedDict()
        self._bytes = self._hits = self._misses = 0
        self._lock = threading.Lock()

    @staticmethod
    def size(key: str, value: bytes) -> int:
        """The bytes one entry counts against the cap."""
        return len(value) + len(key) + ENTRY_OVERHEAD

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                self._misses += 1
                return None
            self._entries.move_to_end(key)
            self._hits += 1
            return value

    def put(self, key: str, value: bytes) -> None:
        size = self.size(key, value)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= self.size(key, old)
            if size > self.max_bytes:  # would push out everything else and still not fit
                return
            self._entries[key] = value
            self._bytes += size
            while self._bytes > self.max_bytes:
                evicted, evicted_value = self._entries.popitem(last=False)
                self._bytes -= self.size(evicted, evicted_value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = self._hits = self._misses = 0

    def stats(self) -> CacheStats:
        with self._lock:
            return CacheStats(self._hits, self._misses, len(self._entries), self._bytes)

    def policy_problem(self) -> str | None:
        return None


def policy_advice(maxmemory: int, policy: str) -> str | None:
    """What to change in a Redis shared with others so that our cache is safe in it, or None.

    Our keys all carry a TTL, so ``volatile-*`` policies evict only cache entries; without
    ``maxmemory`` Redis grows without bound, ``noeviction`` makes everyone's writes fail when
    it is full, and ``allkeys-*`` may evict other users' keys.
    """
    problems = []
    if maxmemory <= 0:
        problems.append("has no memory limit (maxmemory 0)")
    if policy == "noeviction":
        problems.append("refuses every client's writes once full (maxmemory-policy noeviction)")
    elif policy.startswith("allkeys-"):
        problems.append(f"may evict other users' keys (maxmemory-policy {policy})")
    if not problems:
        return None
    return (
        f"Redis {' and '.join(problems)}: set maxmemory (e.g. 'maxmemory 2gb') and "
        "'maxmemory-policy volatile-lru', so that only keys with a TTL, such as biovista's "
        "cached results, are ever evicted."
    )


# Bookkeeping kept next to the values, all under the prefix and all with a TTL:
# KEYS[1] a sorted set of value keys by last use, KEYS[2] a hash of value key -> size plus the
# field "total" (value keys start with the prefix, so they never collide with it).
# An entry counts its value, its key three times (keyspace, sorted set, hash) and an overhead.
# Evicted keys are not declared in KEYS: fine on a single Redis server, not on Redis Cluster.
_COMMON = """
local lru, sizes, name = KEYS[1], KEYS[2], KEYS[3]
local function forget(member)
  local size = redis.call('HGET', sizes, member)
  if size then
    redis.call('HDEL', sizes, member)
    redis.call('HINCRBY', sizes, 'total', -tonumber(size))
  end
  redis.call('ZREM', lru, member)
  redis.call('DEL', member)
end
local function count(value, overhead)
  local size = #value + 3 * #name + tonumber(overhead)
  redis.call('HSET', sizes, name, size)
  return redis.call('HINCRBY', sizes, 'total', size)
end
local function touch(now, ttl)
  redis.call('ZADD', lru, now, name)
  redis.call('EXPIRE', lru, ttl)
  redis.call('EXPIRE', sizes, ttl)
end
"""
# ARGV: value, ttl, now, budget, overhead, bookkeeping ttl
_PUT = (
    _COMMON
    + """
local value, ttl, now, budget = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
forget(name)
if #value + 3 * #name + tonumber(ARGV[5]) > budget then return 0 end
for _, member in ipairs(redis.call('ZRANGEBYSCORE', lru, '-inf', now - ttl, 'LIMIT', 0, 100)) do
  forget(member)  -- unused for longer than the TTL: already expired
end
redis.call('SET', name, value, 'EX', ttl)
touch(ARGV[3], ARGV[6])
local total = count(value, ARGV[5])
while total > budget do
  local oldest = redis.call('ZRANGE', lru, 0, 0)[1]
  if not oldest then redis.call('DEL', sizes) break end  -- sizes outlived the index: reset
  forget(oldest)
  total = tonumber(redis.call('HGET', sizes, 'total') or '0')
end
return 1
"""
)
# ARGV: ttl, now, overhead, bookkeeping ttl
_GET = (
    _COMMON
    + """
local value = redis.call('GET', name)
if not value then
  forget(name)  -- expired or evicted by Redis: stop counting it
  return false
end
redis.call('EXPIRE', name, ARGV[1])
if not redis.call('HGET', sizes, name) then count(value, ARGV[3]) end  -- bookkeeping was lost
touch(ARGV[2], ARGV[4])
return value
"""
)


class RedisCache:
    """Results shared by every API process through Redis, never more than ``max_bytes``.

    A Redis that is down or slow never breaks a render: gets miss, puts are dropped, and a
    warning is logged at most once a minute.
    """

    def __init__(
        self, url: str, max_bytes: int, ttl_seconds: int, prefix: str = REDIS_PREFIX
    ) -> None:
        self.max_bytes, self.ttl_seconds, self.prefix = max_bytes, ttl_seconds, prefix
        self._redis = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=0.5)
        self._put_script = self._redis.register_script(_PUT)
        self._get_script = self._redis.register_script(_GET)
        self._lock = threading.Lock()
        self._hits = self._misses = 0
        self._skip_until = self._warned_at = float("-inf")

    def _keys(self, key: str) -> list[str]:
        return [f"{self.prefix}lru", f"{self.prefix}sizes", f"{self.prefix}v:{key}"]

    def _available(self) -> bool:
        with self._lock:
            return time.monotonic() >= self._skip_until

    def _failed(self, action: str, exc: redis.RedisError) -> None:
        now = time.monotonic()
        with self._lock:
            self._skip_until = now + RETRY_AFTER
            if now - self._warned_at < WARN_EVERY:
                return
            self._warned_at = now
        log.warning("Redis result cache: %s failed, rendering without it: %s", action, exc)

    def get(self, key: str) -> bytes | None:
        value: bytes | None = None
        if self._available():
            now = f"{time.time():.6f}"
            args: list[str | int] = [self.ttl_seconds, now, ENTRY_OVERHEAD, 2 * self.ttl_seconds]
            try:
                value = cast("bytes | None", self._get_script(keys=self._keys(key), args=args))
            except redis.RedisError as exc:
                self._failed("get", exc)
        with self._lock:
            if value is None:
                self._misses += 1
            else:
                self._hits += 1
        return value

    def put(self, key: str, value: bytes) -> None:
        if not self._available():
            return
        now = f"{time.time():.6f}"
        ttl, budget = self.ttl_seconds, self.max_bytes
        args: list[bytes | str | int] = [value, ttl, now, budget, ENTRY_OVERHEAD, 2 * ttl]
        try:
            self._put_script(keys=self._keys(key), args=args)
        except redis.RedisError as exc:
            self._failed("put", exc)

    def clear(self) -> None:
        """Delete our keys only (never FLUSHDB: others share this Redis)."""
        pattern = "".join(f"\\{c}" if c in "*?[]\\" else c for c in self.prefix) + "*"
        try:
            names = list(self._redis.scan_iter(match=pattern, count=500))
            for start in range(0, len(names), 500):
                self._redis.delete(*names[start : start + 500])
        except redis.RedisError as exc:
            self._failed("clear", exc)
        with self._lock:
            self._hits = self._misses = 0

    def stats(self) -> CacheStats:
        """Hits and misses of this process; entries and bytes of all processes, in Redis."""
        entries = total = 0
        if self._available():
            try:
                pipe = self._redis.pipeline(transaction=False)
                pipe.zcard(f"{self.prefix}lru")
                pipe.hget(f"{self.prefix}sizes", "total")
                count, size = pipe.execute()
                entries, total = int(count), int(size or 0)
            except redis.RedisError as exc:
                self._failed("stats", exc)
        with self._lock:
            return CacheStats(self._hits, self._misses, entries, total)

    def policy_problem(self) -> str | None:
        """Advice when this Redis could evict others' keys or grow unbounded; None when it is
        safe, or when it cannot be told (CONFIG disabled, as on many managed services)."""
        try:
            found = cast(dict[Any, Any], self._redis.config_get("maxmemory*"))
        except redis.RedisError:
            return None
        config = {str(k): str(v) for k, v in found.items()}
        if "maxmemory" not in config or "maxmemory-policy" not in config:
            return None
        return policy_advice(int(config["maxmemory"]), config["maxmemory-policy"])


class TieredCache:
    """This process's memory first, then Redis; a Redis hit is kept in memory too."""

    def __init__(self, memory: ResultCache, shared: ResultCache) -> None:
        self.memory, self.shared = memory, shared

    def get(self, key: str) -> bytes | None:
        value = self.memory.get(key)
        if value is None:
            value = self.shared.get(key)
            if value is not None:
                self.memory.put(key, value)
        return value

    def put(self, key: str, value: bytes) -> None:
        self.memory.put(key, value)
        self.shared.put(key, value)

    def clear(self) -> None:
        self.memory.clear()
        self.shared.clear()

    def stats(self) -> CacheStats:
        """Hits in either tier, misses in both, and what memory holds."""
        memory, shared = self.memory.stats(), self.shared.stats()
        return CacheStats(memory.hits + shared.hits, shared.misses, memory.entries, memory.bytes)

    def policy_problem(self) -> str | None:
        return self.shared.policy_problem()


def build_cache(settings: Settings) -> ResultCache:
    """A new cache for these settings: memory alone without Redis, memory then Redis with
    it; NoCache when both are switched off. A process keeps one, on its runtime
    (``biovista.query.shared.SharedReads``), which every render there shares."""
    memory: ResultCache = (
        MemoryCache(settings.cache_max_bytes) if settings.cache_max_bytes else NoCache()
    )
    if settings.redis_url is None or settings.cache_redis_max_bytes == 0:
        return memory
    shared = RedisCache(
        settings.redis_url, settings.cache_redis_max_bytes, settings.cache_ttl_seconds
    )
    return shared if isinstance(memory, NoCache) else TieredCache(memory, shared)
