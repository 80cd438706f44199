"""A small HTTP client for a biovista server: what the command line uses with ``--remote``.

Credentials (the server URL and a personal API token) live in the user's config folder,
in a file only they can read. Every command that talks to a server builds its client with
:func:`http_client` and sends through :func:`send`, so the base URL, the token, the
timeouts and what an unreachable server looks like are decided here once.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import typer

from biovista.errors import BiovistaError, error_for_status

DEFAULT_TIMEOUT = 30.0
TRANSFER_TIMEOUT = 120.0
"""Seconds for calls that move a file's bytes (chunks, sample sheets)."""


def http_client(
    url: str, token: str | None = None, timeout: float = DEFAULT_TIMEOUT
) -> httpx.Client:
    """A client for the server at ``url``, signed in with the API ``token`` when given."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=timeout)


def send(http: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """One request through ``http``; a server that cannot be reached as our own error."""
    try:
        return http.request(method, path, **kwargs)
    except httpx.TransportError as exc:
        where = str(http.base_url).rstrip("/")
        raise BiovistaError(f"cannot reach {where}: {exc}") from None


def config_dir() -> Path:
    override = os.environ.get("BIOVISTA_CONFIG_DIR")
    return Path(override) if override else Path(typer.get_app_dir("biovista"))


def credentials_file() -> Path:
    return config_dir() / "credentials.json"


@dataclass(frozen=True)
class Credentials:
    url: str
    token: str
    token_id: str
    email: str

    def save(self) -> Path:
        """Write the file with mode 0600 from its creation: never readable by others."""
        folder = config_dir()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        target = credentials_file()
        target.unlink(missing_ok=True)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump(self.__dict__, handle)
        return target

    @staticmethod
    def load() -> Credentials:
        target = credentials_file()
        if not target.is_file():
            raise BiovistaError("not logged in to a server; run 'biovista login URL' first")
        if stat.S_IMODE(target.stat().st_mode) & 0o077:
            raise BiovistaError(f"{target} is readable by other users; run 'chmod 600 {target}'")
        data = json.loads(target.read_text())
        return Credentials(**data)


class Remote:
    """Calls to one server, with problems turned into biovista's own errors."""

    def __init__(
        self, url: str, token: str | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> None:
        self.url = url.rstrip("/")
        self._http = http_client(url, token, timeout)

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = send(self._http, method, path, **kwargs)
        if response.status_code >= 400:
            raise _error(response)
        return response.json() if response.content else None

    def download(self, path: str, target: Path, advance: Callable[[int, int | None], None]) -> Path:
        """Stream a file to ``target`` (through a temporary name, so a cut download leaves
        nothing that looks whole); ``advance`` hears each chunk's size and the total."""
        partial = target.with_name(f".{target.name}.part")
        try:
            with self._http.stream("GET", path) as response:
                if response.status_code >= 400:
                    response.read()
                    raise _error(response)
                total = int(response.headers.get("content-length", 0)) or None
                with partial.open("wb") as handle:
                    for chunk in response.iter_bytes(1 << 20):
                        handle.write(chunk)
                        advance(len(chunk), total)
            partial.replace(target)
        except httpx.TransportError as exc:
            raise BiovistaError(f"cannot reach {self.url}: {exc}") from None
        finally:
            partial.unlink(missing_ok=True)
        return target


def _error(response: httpx.Response) -> BiovistaError:
    """The server's answer as the error class its status stands for (see biovista.errors)."""
    try:
        detail = str(response.json().get("detail", response.text))
    except ValueError:
        detail = response.text[:200] or response.reason_phrase
    kind = error_for_status(response.status_code)
    if kind is None:
        return BiovistaError(f"the server answered {response.status_code}: {detail}")
    return kind(detail)
