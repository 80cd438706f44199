"""``biovista upload`` (resumable, with a progress bar) and ``biovista samples``, against
the server of ``biovista login``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from biovista.cli.common import console, err_console, print_json, user_errors
from biovista.client.http import TRANSFER_TIMEOUT, Credentials, http_client, send
from biovista.client.resumable import Uploader, parse_size, server_error, sha256_of
from biovista.errors import InvalidInputError
from biovista.services.samples.uploads import check_path

samples_app = typer.Typer(
    help="Samples of a project on the server (see 'biovista login').", no_args_is_help=True
)


def upload(
    files: list[Path] = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True, help="Files to upload."
    ),
    project: str = typer.Option(..., "--project", "-p", help="The project on the server."),
    sample: str | None = typer.Option(
        None, help="A sample of the project: the uploaded files become its files."
    ),
    to: str | None = typer.Option(
        None,
        "--to",
        help="Where in the project's uploads folder: a path for one file, or a folder "
        "ending in '/' (several files go into it). Default: each file's name.",
    ),
    chunk_size: str = typer.Option("8MiB", help="Bytes per request (e.g. 512KiB, 8MiB)."),
    retries: int = typer.Option(5, min=0, help="Tries again this often per chunk, pausing."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Upload files in chunks; an interrupted upload resumes where the server stopped.

    Run the same command again after a cut connection: only the missing bytes are sent.
    Each file's SHA-256 is checked by the server when its last byte arrives."""
    with user_errors():
        targets = remote_paths(files, to)
        credentials = Credentials.load()
        uploader = Uploader(
            credentials.url, credentials.token, project, parse_size(chunk_size), retries
        )
        try:
            results = [
                _upload_one(uploader, f, t, sample) for f, t in zip(files, targets, strict=True)
            ]
        finally:
            uploader.close()
    if as_json:
        print_json(results)


def remote_paths(files: list[Path], to: str | None) -> list[str]:
    """Each file's path on the server, checked before any byte is sent."""
    if to is None:
        targets = [f.name for f in files]
    elif len(files) == 1 and not to.endswith("/"):
        targets = [to]
    else:
        targets = [f"{to.rstrip('/')}/{f.name}" for f in files]
    if len(set(targets)) != len(targets):
        raise InvalidInputError("two of the files would get the same path on the server")
    return [check_path(t) for t in targets]


def _upload_one(uploader: Uploader, local: Path, target: str, sample: str | None) -> dict[str, Any]:
    size = local.stat().st_size
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(binary_units=True),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as progress:
        checking = progress.add_task(f"checksum {local.name}", total=size)
        digest = sha256_of(local, lambda done: progress.update(checking, completed=done))
        progress.remove_task(checking)
        sending = progress.add_task(f"upload {local.name}", total=size)
        outcome = uploader.upload(
            local, target, digest, sample, lambda done: progress.update(sending, completed=done)
        )
    resumed = f", resumed at byte {outcome.resumed_from}" if outcome.resumed_from else ""
    err_console.print(
        f"uploaded {local} to {target} ({_size(size)}, SHA-256 {digest[:12]}…{resumed})",
        highlight=False,
    )
    return {
        "file": str(local),
        "path": target,
        "size": size,
        "sha256": digest,
        "resumed_from": outcome.resumed_from,
        "sent": outcome.sent,
    }


def _size(count: int) -> str:
    value, unit = float(count), "B"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            break
        value /= 1024
    return f"{value:.1f} {unit}" if unit != "B" else f"{count} B"


def _server() -> httpx.Client:
    credentials = Credentials.load()
    return http_client(credentials.url, credentials.token, TRANSFER_TIMEOUT)


def _call(http: httpx.Client, method: str, path: str, what: str, **kwargs: Any) -> Any:
    answer = send(http, method, path, **kwargs)
    if answer.status_code >= 400:
        raise server_error(answer, what)
    return answer


@samples_app.command("list")
def list_samples(
    project: str = typer.Argument(..., help="The project on the server."),
    as_json: bool = typer.Option(False, "--json", help="Print the samples as JSON."),
) -> None:
    """The project's samples with their type, attributes and number of files."""
    with user_errors(), _server() as http:
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 500}
        while True:
            page = _call(http, "GET", f"/api/v1/projects/{project}/samples", project, params=params)
            found.extend(page.json())
            if "x-next-cursor" not in page.headers:
                break
            params["cursor"] = page.headers["x-next-cursor"]
    if as_json:
        print_json(found)
        return
    table = Table("name", "type", "attributes", "files")
    for sample in found:
        attributes = ", ".join(f"{k}={v}" for k, v in sample["attributes"].items())
        table.add_row(sample["name"], sample["type"], attributes, str(len(sample["files"])))
    console.print(table)


@samples_app.command("import")
def import_samples(
    project: str = typer.Argument(..., help="The project on the server."),
    sheet: Path = typer.Argument(..., exists=True, dir_okay=False, help="A CSV sample sheet."),
) -> None:
    """Create or update samples from a CSV sheet (columns name, type, then attributes).

    All or nothing: any problem (each named by line and column) leaves every sample as it was."""
    with user_errors(), _server() as http:
        answer = _call(
            http,
            "POST",
            f"/api/v1/projects/{project}/samples/sheet",
            str(sheet),
            content=sheet.read_bytes(),
            headers={"content-type": "text/csv"},
        ).json()
    console.print(
        f"{len(answer['created'])} sample(s) created, {len(answer['updated'])} updated",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    app.command("upload")(upload)
    app.add_typer(samples_app, name="samples")
