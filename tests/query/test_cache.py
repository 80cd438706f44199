"""The result cache: stable keys, a byte-capped LRU in memory, and a Redis tier that keeps to
its own budget and TTLs so that it never evicts or starves anyone else sharing the Redis."""

from __future__ import annotations

import random
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from biovista.config import Settings
from biovista.query.cache import (
    ENTRY_OVERHEAD,
    CacheStats,
    MemoryCache,
    NoCache,
    RedisCache,
    TieredCache,
    build_cache,
    policy_advice,
    result_key,
)

VERSIONS = {"penguins": 3, "samples": 7}
SPEC = {"type": "bar", "x": "species", "y": "body_mass_g", "aggregation": "mean"}
STATE = {"island": ["Biscoe", "Dream"], "year": [2007, 2009]}


@pytest.fixture
def prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test's own, whose keys are deleted afterwards (never FLUSHALL)."""
    prefix = f"biovista:result:test-{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    names = list(client.scan_iter(match=f"{prefix}*"))
    if names:
        client.delete(*names)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_key_is_stable_across_dict_order_and_processes() -> None:
    key = result_key(VERSIONS, SPEC, STATE, "png")
    reordered = result_key(
        dict(reversed(VERSIONS.items())), dict(reversed(SPEC.items())), STATE, "png"
    )
    assert key == reordered
    assert len(key) == 64 and int(key, 16) >= 0
    code = (
        "from biovista.query.cache import result_key;"
        f"print(result_key({VERSIONS!r}, {SPEC!r}, {STATE!r}, 'png', {{'b', 'a', 'c'}}))"
    )
    for _ in range(2):  # a different string hash seed in each process
        other = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert other.stdout.strip() == result_key(VERSIONS, SPEC, STATE, "png", {"c", "a", "b"})


def test_key_changes_with_any_part() -> None:
    key = result_key(VERSIONS, SPEC, STATE)
    changed = [
        result_key({**VERSIONS, "samples": 8}, SPEC, STATE),
        result_key(VERSIONS, {**SPEC, "aggregation": "median"}, STATE),
        result_key(VERSIONS, SPEC, {**STATE, "year": [2007]}),
        result_key(VERSIONS, SPEC, {**STATE, "island": ["Dream", "Biscoe"]}),
        result_key(VERSIONS, SPEC, STATE, {"max_points": 10_000}),
        result_key(VERSIONS, SPEC),
    ]
    assert len({key, *changed}) == len(changed) + 1
    assert result_key(Path("a")) == result_key("a")  # default=str for the rest


def entry(key: str, value: bytes) -> int:
    return MemoryCache.size(key, value)


def test_lru_evicts_least_recently_used_under_the_byte_cap() -> None:
    value = b"x" * 1000
    cache = MemoryCache(max_bytes=3 * entry("k0", value))
    for name in ("k0", "k1", "k2"):
        cache.put(name, value)
    assert cache.stats() == CacheStats(0, 0, 3, 3 * entry("k0", value))
    assert cache.get("k0") == value  # k0 is now the most recent; k1 the oldest
    cache.put("k3", value)
    assert cache.get("k1") is None
    assert [cache.get(k) for k in ("k0", "k2", "k3")] == [value] * 3
    cache.put("k4", value)  # k0 was read before k2 and k3: it goes
    assert cache.get("k0") is None
    assert cache.stats() == CacheStats(hits=4, misses=2, entries=3, bytes=3 * entry("k0", value))


def test_lru_replacing_a_key_counts_it_once() -> None:
    cache = MemoryCache(max_bytes=10_000)
    cache.put("k", b"a" * 100)
    cache.put("k", b"b" * 300)
    assert cache.get("k") == b"b" * 300
    assert cache.stats().bytes == 300 + 1 + ENTRY_OVERHEAD
    assert cache.stats().entries == 1


def test_lru_does_not_store_a_value_larger_than_the_cap() -> None:
    cache = MemoryCache(max_bytes=2000)
    cache.put("small", b"s" * 100)
    cache.put("huge", b"h" * 5000)
    assert cache.get("huge") is None
    assert cache.get("small") == b"s" * 100  # not pushed out by a value that can't fit
    cache.put("small", b"s" * 5000)  # a replacement too large drops the old value
    assert cache.get("small") is None
    assert cache.stats() == CacheStats(hits=1, misses=2, entries=0, bytes=0)
    cache.clear()
    assert cache.stats() == CacheStats()


def test_lru_stays_under_the_cap_with_many_threads() -> None:
    cap = 50_000
    cache = MemoryCache(max_bytes=cap)
    seen: list[int] = []
    errors: list[BaseException] = []
    gets = [0] * 16

    def work(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(2000):
                key = f"k{rng.randrange(200)}"
                if rng.random() < 0.5:
                    cache.put(key, bytes(rng.randrange(1, 3000)))
                else:
                    gets[seed] += 1
                    value = cache.get(key)
                    assert value is None or len(value) < 3000
                seen.append(cache.stats().bytes)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    stats = cache.stats()
    assert max(seen) <= cap and 0 < stats.bytes <= cap
    assert stats.hits + stats.misses == sum(gets) and stats.hits > 0


def test_no_cache_keeps_nothing() -> None:
    cache = NoCache()
    cache.put("k", b"v")
    assert cache.get("k") is None
    assert cache.stats() == CacheStats(misses=1)
    assert cache.policy_problem() is None


def test_redis_round_trip_with_a_ttl_on_every_key(redis_url: str, prefix: str) -> None:
    cache = RedisCache(redis_url, max_bytes=100_000, ttl_seconds=600, prefix=prefix)
    assert cache.get("missing") is None
    cache.put("k", b"\x00result\xff")
    assert cache.get("k") == b"\x00result\xff"
    client = redis.Redis.from_url(redis_url)
    names = list(client.scan_iter(match=f"{prefix}*"))
    assert len(names) == 3  # the value, the recency index and the sizes
    assert all(0 < client.ttl(name) <= 1200 for name in names)
    assert client.ttl(f"{prefix}v:k") <= 600
    stats = cache.stats()
    assert (stats.hits, stats.misses, stats.entries) == (1, 1, 1)
    assert stats.bytes == len(b"\x00result\xff") + 3 * len(f"{prefix}v:k") + ENTRY_OVERHEAD


def test_redis_keeps_to_its_budget_and_spares_other_users(redis_url: str, prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    other = f"other-user:{uuid.uuid4().hex}"
    client.set(other, b"y" * 5000)  # someone else's key, without a TTL
    try:
        cache = RedisCache(redis_url, max_bytes=10_000, ttl_seconds=600, prefix=prefix)
        for index in range(50):
            cache.put(f"k{index}", b"x" * 1000)
        stats = cache.stats()
        assert 0 < stats.bytes <= 10_000
        assert 5 <= stats.entries < 10
        assert cache.get("k0") is None and cache.get("k39") is None
        assert cache.get("k49") == b"x" * 1000
        values = list(client.scan_iter(match=f"{prefix}v:*"))
        assert len(values) == stats.entries
        assert client.get(other) == b"y" * 5000 and client.ttl(other) == -1
    finally:
        client.delete(other)


def test_redis_get_refreshes_recency(redis_url: str, prefix: str) -> None:
    cache = RedisCache(redis_url, max_bytes=10_000, ttl_seconds=600, prefix=prefix)
    for index in range(5):
        cache.put(f"k{index}", b"x" * 1000)
    assert cache.get("k0") == b"x" * 1000  # the oldest put, but now the most recent use
    for index in range(5, 10):  # 7 entries of about 1.3 kB fit: three of k1..k4 must go
        cache.put(f"k{index}", b"x" * 1000)
    assert cache.get("k0") == b"x" * 1000
    assert cache.get("k1") is None and cache.get("k9") == b"x" * 1000
    assert cache.stats().bytes <= 10_000


def test_redis_replacing_and_oversize_values(redis_url: str, prefix: str) -> None:
    cache = RedisCache(redis_url, max_bytes=10_000, ttl_seconds=600, prefix=prefix)
    cache.put("k", b"a" * 100)
    cache.put("k", b"b" * 2000)
    assert cache.get("k") == b"b" * 2000
    assert cache.stats().entries == 1
    cache.put("k", b"c" * 20_000)  # larger than the whole budget: not kept, old value gone
    assert cache.get("k") is None
    assert cache.stats().bytes == 0
    cache.put("j", b"j")
    cache.clear()
    assert not list(redis.Redis.from_url(redis_url).scan_iter(match=f"{prefix}*"))


def test_redis_forgets_a_value_that_expired(redis_url: str, prefix: str) -> None:
    cache = RedisCache(redis_url, max_bytes=10_000, ttl_seconds=600, prefix=prefix)
    cache.put("k", b"v" * 100)
    redis.Redis.from_url(redis_url).delete(f"{prefix}v:k")  # as if Redis had evicted it
    assert cache.get("k") is None
    assert cache.stats().entries == 0 and cache.stats().bytes == 0


def test_redis_down_never_breaks_a_render(caplog: pytest.LogCaptureFixture) -> None:
    cache = RedisCache(closed_port_url(), max_bytes=10_000, ttl_seconds=600)
    cache.put("k", b"v")
    assert cache.get("k") is None
    assert cache.get("k") is None
    cache.clear()
    assert cache.stats().entries == 0
    assert cache.policy_problem() is None
    warnings = [r for r in caplog.records if r.name == "biovista.query.cache"]
    assert len(warnings) == 1 and warnings[0].levelname == "WARNING"


def test_policy_advice() -> None:
    assert policy_advice(2**30, "volatile-lru") is None
    assert policy_advice(2**30, "volatile-ttl") is None
    for maxmemory, policy in [(0, "volatile-lru"), (2**30, "noeviction"), (0, "noeviction")]:
        advice = policy_advice(maxmemory, policy)
        assert advice and "maxmemory" in advice and "volatile-lru" in advice
    no_limit = policy_advice(0, "volatile-lru")
    assert no_limit and "maxmemory 0" in no_limit
    allkeys = policy_advice(2**30, "allkeys-lru")
    assert allkeys and "other users' keys" in allkeys and "volatile-lru" in allkeys


def test_policy_problem_agrees_with_the_server(redis_url: str) -> None:
    cache = RedisCache(redis_url, max_bytes=10_000, ttl_seconds=600)
    try:
        config = redis.Redis.from_url(redis_url, decode_responses=True).config_get("maxmemory*")
    except redis.ResponseError:  # CONFIG disabled on this server
        assert cache.policy_problem() is None
        return
    expected = policy_advice(int(config["maxmemory"]), config["maxmemory-policy"])
    assert cache.policy_problem() == expected


def test_tiered_cache_copies_a_redis_hit_into_memory(redis_url: str, prefix: str) -> None:
    shared = RedisCache(redis_url, max_bytes=100_000, ttl_seconds=600, prefix=prefix)
    shared.put("k", b"from another process")
    tiered = TieredCache(MemoryCache(100_000), shared)
    assert tiered.get("k") == b"from another process"
    assert shared.stats().hits == 1
    assert tiered.get("k") == b"from another process"
    assert shared.stats().hits == 1  # the second get never reached Redis
    assert isinstance(tiered.memory, MemoryCache)
    assert tiered.memory.stats().hits == 1
    tiered.put("new", b"n")
    other_process = RedisCache(redis_url, max_bytes=100_000, ttl_seconds=600, prefix=prefix)
    assert other_process.get("new") == b"n"
    assert tiered.get("absent") is None
    assert tiered.stats() == CacheStats(
        hits=2, misses=1, entries=2, bytes=tiered.memory.stats().bytes
    )


def test_build_cache_follows_the_settings(tmp_path: Path) -> None:
    local = Settings(data_dir=tmp_path, redis_url=None)
    assert isinstance(build_cache(local), MemoryCache)
    assert build_cache(local) is not build_cache(local)  # each runtime keeps its own
    assert isinstance(build_cache(Settings(data_dir=tmp_path, cache_max_bytes=0)), NoCache)
    url = closed_port_url()
    assert isinstance(build_cache(Settings(data_dir=tmp_path, redis_url=url)), TieredCache)
    redis_only = Settings(data_dir=tmp_path, redis_url=url, cache_max_bytes=0)
    assert isinstance(build_cache(redis_only), RedisCache)


def test_settings_refuse_negative_sizes() -> None:
    with pytest.raises(ValueError, match="cache_max_bytes"):
        Settings(cache_max_bytes=-1)
    with pytest.raises(ValueError, match="cache_ttl_seconds"):
        Settings(cache_ttl_seconds=0)
