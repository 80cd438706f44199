"""The SHA-256 of each upload session's bytes so far, kept while its chunks arrive.

Hashing a file as it grows saves re-reading it when the last byte arrives (a minute for
100 GB). The state lives in this process only: a session whose chunks went to several
processes, or to one that restarted, is simply read again in full at the end.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from pathlib import Path
from typing import Any

BLOCK = 8 * 2**20

_running: dict[uuid.UUID, tuple[int, Any]] = {}
"""Per session: how many bytes were hashed, and the hasher."""
_lock = threading.Lock()


def hasher_at(session_id: uuid.UUID, received: int) -> Any:
    """The session's hasher when it covers exactly the ``received`` bytes, else None."""
    with _lock:
        if received == 0:
            hasher = hashlib.sha256()
            _running[session_id] = (0, hasher)
            return hasher
        kept = _running.get(session_id)
        if kept is not None and kept[0] == received:
            return kept[1]
        _running.pop(session_id, None)
        return None


def advanced(session_id: uuid.UUID, received: int, hasher: Any) -> None:
    """Record that ``hasher`` now covers the first ``received`` bytes."""
    with _lock:
        _running[session_id] = (received, hasher)


def forget(session_id: uuid.UUID) -> None:
    with _lock:
        _running.pop(session_id, None)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()
