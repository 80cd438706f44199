"""What every dashboard read in one process shares: the result cache, the hot tables, the
background builder of partials and the pool that renders components.

They used to be module-level singletons; now each process's runtime
(``biovista.runtime.Runtime``) holds one :class:`SharedReads` and hands it to the reads
that need it, so two runtimes in one process (two apps in a test, a CLI command beside a
server) never see each other's cache, and closing a runtime stops its threads.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from biovista.config import Settings
from biovista.query.cache import ResultCache, build_cache
from biovista.query.hot import HotTables, hot_tables
from biovista.query.partials import PartialBuilder

RENDER_WORKERS = max(2, os.cpu_count() or 2)
"""One component per core at a time: polars parallelises within each, and more at once
only adds memory (their intermediate columns) without adding speed."""


@dataclass
class SharedReads:
    cache: ResultCache
    hot: HotTables | None
    partials: PartialBuilder = field(default_factory=PartialBuilder)
    pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(
            max_workers=RENDER_WORKERS, thread_name_prefix="biovista-render"
        )
    )
    """Renders the components of one dashboard concurrently (polars releases the GIL)."""

    @classmethod
    def for_settings(cls, settings: Settings) -> SharedReads:
        return cls(build_cache(settings), hot_tables(settings))

    def close(self) -> None:
        """Stop the render and partials threads (what is cached is simply let go)."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.partials.close()
