"""The client side of resumable uploads: send a file in chunks, and pick up where the
server stopped after a cut connection, a crash, or a new run of the same command.

Before sending, the client asks the server for an open session of the same file (project,
path, size, SHA-256) and starts from the bytes the server has. A failed chunk is retried
with growing pauses, each time from the offset the server reports, so nothing it already
holds is sent twice.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from biovista.client.http import TRANSFER_TIMEOUT, http_client, send
from biovista.errors import (
    BiovistaError,
    InvalidInputError,
    Problem,
    error_for_status,
)
from biovista.models.statuses import UploadStatus

DEFAULT_CHUNK = 8 * 2**20
HASH_BLOCK = 8 * 2**20
UNITS = {"": 1, "b": 1, "k": 2**10, "m": 2**20, "g": 2**30}
SIZE = re.compile(r"^\s*(\d+)\s*([kmg]?)(i?b)?\s*$", re.IGNORECASE)

Progress = Callable[[int], None]
"""Told the number of bytes the server holds, whenever it changes."""


def parse_size(text: str) -> int:
    """``8MiB``, ``512k``, ``1G`` or a number of bytes (units are powers of 1024)."""
    found = SIZE.match(text)
    if not found or int(found.group(1)) == 0:
        raise InvalidInputError(f"chunk size {text!r}: give bytes, or a number with KiB, MiB, GiB")
    return int(found.group(1)) * UNITS[found.group(2).lower()]


def sha256_of(path: Path, progress: Progress | None = None) -> str:
    digest, done = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while block := handle.read(HASH_BLOCK):
            digest.update(block)
            done += len(block)
            if progress is not None:
                progress(done)
    return digest.hexdigest()


@dataclass
class Outcome:
    path: str
    size: int
    sha256: str
    resumed_from: int
    """Bytes the server already had when this run started (0 for a new upload)."""
    sent: int
    """Bytes this run sent, retries included."""


class Uploader:
    """Uploads files to one project of one server, through its upload-session API."""

    def __init__(
        self,
        url: str,
        token: str,
        project: str,
        chunk_size: int = DEFAULT_CHUNK,
        retries: int = 5,
        backoff: float = 0.5,
        timeout: float = TRANSFER_TIMEOUT,
    ) -> None:
        self.base = f"/api/v1/projects/{project}/upload-sessions"
        self.url, self.chunk_size, self.retries, self.backoff = url, chunk_size, retries, backoff
        self.http = http_client(url, token, timeout)

    def close(self) -> None:
        self.http.close()

    def upload(
        self,
        local: Path,
        remote_path: str,
        sha256: str,
        sample: str | None = None,
        progress: Progress | None = None,
    ) -> Outcome:
        """Send ``local`` as ``remote_path``, resuming an open session of the same file."""
        size = local.stat().st_size
        session = self._resumable(remote_path, size, sha256)
        if session is None:
            body = {"path": remote_path, "size": size, "sha256": sha256, "sample": sample}
            session = self._call("POST", self.base, remote_path, json=body)
        outcome = Outcome(remote_path, size, sha256, int(session["received"]), 0)
        with local.open("rb") as handle:
            self._send(handle, session, outcome, progress)
        return outcome

    def _resumable(self, path: str, size: int, sha256: str) -> dict[str, Any] | None:
        params = {"path": path, "size": size, "sha256": sha256}
        found: list[dict[str, Any]] = self._call("GET", self.base, path, params=params)
        return found[0] if found else None

    def _call(self, method: str, path: str, what: str, **kwargs: Any) -> Any:
        answer = send(self.http, method, path, **kwargs)
        if answer.status_code >= 400:
            raise server_error(answer, what)
        return answer.json()

    def _send(
        self, handle: Any, session: dict[str, Any], outcome: Outcome, progress: Progress | None
    ) -> None:
        where, offset, failures = f"{self.base}/{session['id']}", int(session["received"]), 0
        status = session["status"]
        while status != UploadStatus.COMPLETE:
            if progress is not None:
                progress(offset)
            handle.seek(offset)
            data = handle.read(self.chunk_size)
            try:
                answer = self.http.put(where, params={"offset": offset}, content=data)
            except httpx.TransportError as exc:
                failures = self._pause(failures, offset, outcome, f"{type(exc).__name__}: {exc}")
                offset, status = self._offset(where, offset, outcome)
                continue
            outcome.sent += len(data)
            if answer.status_code == 409 and "received" in _body(answer):
                offset = int(_body(answer)["received"])  # the server holds less: send from there
                continue
            if answer.status_code == 409 or answer.status_code >= 500:
                problem = _detail(answer)
                failures = self._pause(failures, offset, outcome, problem)
                offset, status = self._offset(where, offset, outcome)
                continue
            if answer.status_code >= 400:
                raise server_error(answer, outcome.path)
            failures = 0
            state = answer.json()
            offset, status = int(state["received"]), state["status"]
        if progress is not None:
            progress(outcome.size)

    def _offset(self, where: str, offset: int, outcome: Outcome) -> tuple[int, str]:
        """Where the server stands; the last known offset while it cannot be reached."""
        try:
            state = self.http.get(where)
        except httpx.TransportError:
            return offset, UploadStatus.OPEN
        if state.status_code >= 400:
            raise server_error(state, outcome.path)
        found = state.json()
        if found["status"] == UploadStatus.FAILED:
            raise BiovistaError(
                f"upload of {outcome.path!r} failed on the server ({found['error']}); run the "
                "same command again to start over"
            )
        return int(found["received"]), found["status"]

    def _pause(self, failures: int, offset: int, outcome: Outcome, problem: str) -> int:
        """Wait before the next try (0.5 s, 1 s, 2 s ...), or give up after ``retries``."""
        failures += 1
        if failures > self.retries:
            raise BiovistaError(
                f"upload of {outcome.path!r} stopped at byte {offset} of {outcome.size} after "
                f"{self.retries} retries ({problem}); run the same command again to resume"
            )
        time.sleep(min(self.backoff * 2 ** (failures - 1), 30))
        return failures


def _body(response: httpx.Response) -> dict[str, Any]:
    try:
        found = response.json()
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _detail(response: httpx.Response) -> str:
    return str(_body(response).get("detail") or response.text[:200] or response.reason_phrase)


def server_error(response: httpx.Response, what: str) -> BiovistaError:
    """The server's problem document as the error class its status stands for (see
    biovista.errors), each listed problem kept."""
    detail = f"{what}: {_detail(response)}"
    kind = error_for_status(response.status_code)
    if kind is None:
        return BiovistaError(f"the server answered {response.status_code}: {detail}")
    if issubclass(kind, InvalidInputError):
        listed = _body(response).get("errors") or []
        problems = [Problem(e["message"], e.get("field") or "", e.get("line")) for e in listed]
        return kind(detail, problems)
    return kind(detail)
