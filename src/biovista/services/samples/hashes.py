"""The SHA-256 of each upload session's bytes so far, kept while its chunks arrive.

Hashing a file as it grows saves re-reading it when the last byte arrives (a minute for
100 GB). The state lives in this process only (its runtime's :class:`RunningHashes`): a
session whose chunks went to several processes, or to one that restarted, is simply read
again in full at the end.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from pathlib import Path
from typing import Any

BLOCK = 8 * 2**20


IDLE_SECONDS = 24 * 3600.0
"""A session silent this long has expired (``resumable.SESSION_TTL``): its hasher is let go."""


class RunningHashes:
    """Per upload session: how many bytes were hashed, and the hasher. One per runtime.

    Sessions that end are forgotten at once; those that expire unseen (cleaned up by a
    request that holds no runtime) are let go once idle for :data:`IDLE_SECONDS`."""

    def __init__(self) -> None:
        self._running: dict[uuid.UUID, tuple[int, Any, float]] = {}
        self._lock = threading.Lock()

    def hasher_at(self, session_id: uuid.UUID, received: int) -> Any:
        """The session's hasher when it covers exactly the ``received`` bytes, else None."""
        now = time.monotonic()
        with self._lock:
            idle = [k for k, (_, _, at) in self._running.items() if now - at > IDLE_SECONDS]
            for key in idle:
                del self._running[key]
            if received == 0:
                hasher = hashlib.sha256()
                self._running[session_id] = (0, hasher, now)
                return hasher
            kept = self._running.get(session_id)
            if kept is not None and kept[0] == received:
                return kept[1]
            self._running.pop(session_id, None)
            return None

    def advanced(self, session_id: uuid.UUID, received: int, hasher: Any) -> None:
        """Record that ``hasher`` now covers the first ``received`` bytes."""
        with self._lock:
            self._running[session_id] = (received, hasher, time.monotonic())

    def forget(self, session_id: uuid.UUID) -> None:
        with self._lock:
            self._running.pop(session_id, None)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()
