"""Process-wide settings, read once from ``BIOVISTA_*`` environment variables.

The defaults are the embedded mode: a SQLite file and Delta tables in a local data directory,
so that biovista works with nothing else running.
"""

from __future__ import annotations

import ipaddress
import shutil
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def find_chromium() -> str | None:
    """The first of chromium, chromium-browser and google-chrome found on the PATH."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


class Settings(BaseSettings):
    """Everything a biovista process needs to know about where it keeps things."""

    model_config = SettingsConfigDict(env_prefix="BIOVISTA_", extra="ignore")

    data_dir: Path = Path("biovista-data")
    database_url: str | None = None

    s3_bucket: str | None = None
    s3_prefix: str = ""
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None

    redis_url: str | None = None
    """Shared state for several API processes: login rate limits and cached results."""

    cache_max_bytes: int = Field(256 * 2**20, ge=0)
    """Bytes of computed component results each process keeps in memory; 0 switches the
    in-memory cache off."""
    cache_redis_max_bytes: int = Field(512 * 2**20, ge=0)
    """Bytes of results all processes share in Redis (with ``redis_url``): biovista evicts its
    own least recently used results beyond this, whatever Redis's own limit; 0 switches it off."""
    cache_ttl_seconds: int = Field(3600, ge=1)
    """Seconds an unused result stays in Redis. Every cache key has this TTL, so that a Redis
    with ``maxmemory-policy volatile-lru`` evicts only cache entries, never keys without one."""

    hot_tables_max_bytes: int = Field(2**30, ge=0)
    """Bytes of decoded table columns each process keeps in memory, so that filter changes
    do not decode Parquet again; a table that does not fit is scanned from storage with
    pushdown instead. 0 switches it off."""
    max_points: int = Field(10_000, ge=1, le=2_000_000)
    """Point plots draw at most this many points (evenly chosen) and say 'n of N'."""

    task_broker_url: str | None = None
    """A Celery broker (``redis://...`` or ``amqp://...``): background tasks then go to
    ``biovista worker`` processes. Without it they run in threads of the server."""
    task_queue: str = "biovista"
    """The Celery queue the server sends to and the workers read."""
    task_workers: int = Field(2, ge=1, le=64)
    """Tasks one process runs at once (threads in the server, a worker's concurrency)."""
    task_modules: list[str] = Field(default_factory=list)
    """Extra modules to import before running tasks: plugins that register handlers."""
    task_heartbeat_seconds: float = Field(5.0, gt=0)
    """How often a running task tells the database it is alive."""
    task_stale_seconds: float = Field(60.0, gt=0)
    """A running task silent this long has lost its worker: it is queued again while it
    has attempts left, otherwise marked failed."""

    host: str = "127.0.0.1"
    port: int = 8000

    # Load: what one server process takes on at once, and how it refuses the rest.
    max_concurrent_requests: int = Field(32, ge=1, le=1024)
    """Requests one process works on at once; the others wait in line (``/health`` never
    waits). A request leaves the count when its answer starts."""
    max_queued_requests: int = Field(512, ge=0, le=100_000)
    """Requests that may wait for one of those places; beyond this they are answered 503
    with ``Retry-After`` at once."""
    queue_timeout_seconds: float = Field(30.0, gt=0)
    """A request that waited this long without a place is answered 503 with ``Retry-After``."""
    worker_threads: int = Field(40, ge=1, le=1024)
    """Threads that run the API's (synchronous) handlers: anyio's thread limiter, whose
    default is 40."""
    db_pool_size: int | None = Field(None, ge=1, le=1000)
    """Database connections one process keeps; by default ``max_concurrent_requests``
    plus ``task_workers`` plus 4 (the background loops): more than the threads that can
    hold one, so a request never waits for ever on connections other requests hold."""
    db_pool_timeout_seconds: float = Field(10.0, gt=0)
    """A request that waited this long for a database connection is answered 503."""
    sqlite_busy_seconds: float = Field(30.0, gt=0)
    """How long a SQLite writer waits for another writer's lock (WAL mode: readers never
    wait); after it the request is answered 503."""
    max_body_bytes: int = Field(4 * 2**20, ge=1024)
    """The largest request body of the JSON, YAML, CSV and Dash routes; a bigger one is
    refused with 413 before (Content-Length) or while (chunked) it is read. The upload
    routes have their own limits."""

    admin_email: str | None = None
    admin_password: SecretStr | None = None
    """Create this admin on the first start of an empty server (never a default password)."""
    jwt_private_key: SecretStr | None = None
    """An Ed25519 private key (PEM) that signs access tokens, for several API processes to
    share; without it the keys are kept in ``<data dir>/keys``."""
    single_user: bool = False
    """No login: every request acts as a local admin. Only for ``biovista demo``."""

    # Logins: refresh tokens, failed-login limits, and where a client's address comes from.
    refresh_grace_seconds: float = Field(30.0, ge=0, le=600)
    """A just-spent refresh token returns the same successor for this long (a page's parallel
    requests all refresh with it); later reuse is theft and ends the login. 0 switches it off."""
    login_window_seconds: float = Field(900.0, gt=0)
    """The sliding window in which failed logins are counted."""
    login_failures_per_account_address: int = Field(5, ge=1)
    """Failed logins one address may make for one account within the window."""
    login_failures_per_address: int = Field(20, ge=1)
    """Failed logins one address (an IPv6 /64) may make for all accounts within the window."""
    login_failures_per_account: int = Field(100, ge=1)
    """Failed logins for one account from all addresses within the window; once reached, only
    the account's known addresses may still try."""
    login_known_address_days: float = Field(30.0, ge=0)
    """An address that logged into an account this recently is known to it: the per-account
    cap never locks it out."""
    trusted_proxies: str = "127.0.0.1,::1"
    """Comma-separated addresses or networks of the reverse proxies whose ``X-Forwarded-For``
    says who the client is (the rightmost address not in this list). Empty: trust none."""

    chromium_path: str | None = Field(default_factory=find_chromium)
    """The Chromium that draws PNG and PDF exports; by default the first one on the PATH.
    Without one those exports answer 503 and everything else works."""
    snapshot_timeout: float = Field(30.0, gt=0)
    """Seconds a PNG or PDF export may take to draw before it answers 504."""

    pipeline_cores: int = Field(2, ge=1, le=1024)
    """Cores a Snakemake execution may use at once (its ``--cores``)."""
    nextflow_executable: str = "nextflow"
    """The Nextflow launcher that runs Nextflow workflows (a name on the PATH or a path)."""

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        for item in filter(None, (part.strip() for part in value.split(","))):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(
                    f"trusted_proxies: {item!r} is not an IP address or network; list the "
                    "proxies' addresses (trusting every sender would let clients choose "
                    "their own address)"
                ) from None
        return value

    @property
    def trusted_proxy_list(self) -> list[str]:
        """``trusted_proxies`` as the list uvicorn takes."""
        return [part.strip() for part in self.trusted_proxies.split(",") if part.strip()]

    @property
    def resolved_database_url(self) -> str:
        """The configured database, or a SQLite file inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'biovista.db').resolve()}"

    def s3_storage_options(self) -> dict[str, str]:
        """Options for deltalake/object_store; they never leave the server."""
        options = {"AWS_REGION": self.s3_region}
        if self.s3_endpoint_url:
            options["AWS_ENDPOINT_URL"] = self.s3_endpoint_url
            if self.s3_endpoint_url.startswith("http://"):
                options["AWS_ALLOW_HTTP"] = "true"
        if self.s3_access_key_id:
            options["AWS_ACCESS_KEY_ID"] = self.s3_access_key_id
        if self.s3_secret_access_key:
            options["AWS_SECRET_ACCESS_KEY"] = self.s3_secret_access_key.get_secret_value()
        return options


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (tests clear the cache after changing the environment)."""
    return Settings()
