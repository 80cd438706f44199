"""Background work behind one small interface; embedded mode runs it in process threads.

Scaled-out execution (Celery workers) plugs in behind ``TaskRunner`` in a later version.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol


class TaskRunner(Protocol):
    def submit(self, work: Callable[[], object]) -> Future[object]: ...


class ThreadRunner:
    """Runs tasks in this process, a few at a time, in submission order."""

    def __init__(self, workers: int = 1) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="biovista-task")

    def submit(self, work: Callable[[], object]) -> Future[object]:
        return self._pool.submit(work)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
