"""``biovista login`` / ``logout``, and the remote side of ``ingest``, ``collections``, ``show``."""

from __future__ import annotations

import socket
import time
from typing import Any

import typer

from biovista.cli.common import console, err_console, user_errors
from biovista.client.http import Credentials, Remote, credentials_file
from biovista.models.statuses import TASK_ACTIVE


def login(
    url: str = typer.Argument(..., help="The server, e.g. https://biovista.example.org"),
    email: str | None = typer.Option(None, help="Your e-mail (asked for when missing)."),
    token: str | None = typer.Option(
        None, help="An existing API token to use instead of e-mail and password."
    ),
    scope: str = typer.Option("write", help="Scope of the token made for this machine."),
) -> None:
    """Log in to a server and keep a personal API token for this machine (file mode 0600)."""
    with user_errors():
        if token is None:
            address = email or typer.prompt("E-mail")
            password = typer.prompt("Password", hide_input=True)
            access = Remote(url).request(
                "POST", "/api/v1/auth/login", json={"email": address, "password": password}
            )["access_token"]
            name = f"cli on {socket.gethostname()}"
            created = Remote(url, access).request(
                "POST", "/api/v1/tokens", json={"name": name, "scope": scope, "expires_in": "90d"}
            )
            token, token_id = created["token"], created["id"]
        else:
            token_id = ""
        me = Remote(url, token).request("GET", "/api/v1/users/me")
        path = Credentials(url.rstrip("/"), token, token_id, me["email"]).save()
    console.print(f"logged in to {url} as {me['email']}; token kept in {path}", highlight=False)


def logout() -> None:
    """Revoke this machine's token on the server and forget it."""
    with user_errors():
        credentials = Credentials.load()
        if credentials.token_id:
            Remote(credentials.url, credentials.token).request(
                "DELETE", f"/api/v1/tokens/{credentials.token_id}"
            )
        credentials_file().unlink()
    console.print(f"logged out of {credentials.url}", highlight=False)


def remote() -> Remote:
    credentials = Credentials.load()
    return Remote(credentials.url, credentials.token)


def remote_collections(project: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = remote().request(
        "GET", f"/api/v1/projects/{project}/collections"
    )
    return result


def remote_rows(project: str, collection: str, limit: int, where: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": limit}
    if where:
        params["where"] = where
    result: dict[str, Any] = remote().request(
        "GET", f"/api/v1/projects/{project}/collections/{collection}/rows", params=params
    )
    return result


def remote_ingest(project: str, full: bool, quiet: bool) -> dict[str, Any]:
    """Start an ingest on the server and wait for it, showing its state."""
    server = remote()
    job: dict[str, Any] = server.request(
        "POST", f"/api/v1/projects/{project}/ingestions", json={"full": full}
    )
    path = f"/api/v1/projects/{project}/ingestions/{job['id']}"
    with err_console.status(f"ingesting {project} on {server.url}", spinner="dots") as status:
        while job["status"] in TASK_ACTIVE:
            time.sleep(0.5)
            job = server.request("GET", path)
            if not quiet:
                status.update(f"ingesting {project} on {server.url}: {job['status']}")
    return job


def register(app: typer.Typer) -> None:
    app.command("login")(login)
    app.command("logout")(logout)
