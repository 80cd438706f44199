"""``biovista download``: a project's sample files or an execution's outputs, as a zip
the server builds in the background."""

from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TransferSpeedColumn,
)

from biovista.cli.common import console, user_errors
from biovista.cli.remote import remote
from biovista.client.http import Remote
from biovista.errors import BiovistaError, InvalidInputError
from biovista.models.statuses import TaskStatus


def download(
    project: str = typer.Argument(..., help="The project on the server."),
    sample: list[str] = typer.Option([], "--sample", "-s", help="A sample (repeat it)."),
    all_samples: bool = typer.Option(False, "--all-samples", help="Every sample's files."),
    execution: str | None = typer.Option(None, help="An execution's id: its outputs."),
    output: Path | None = typer.Option(None, "--output", "-o", help="The zip to write."),
) -> None:
    """Download sample files or an execution's outputs as one zip (viewers)."""
    with user_errors():
        if sum([bool(sample), all_samples, execution is not None]) != 1:
            raise InvalidInputError("choose one of --sample, --all-samples or --execution")
        body: dict[str, object] = (
            {"execution_id": execution}
            if execution
            else {"samples": "all" if all_samples else list(sample)}
        )
        client = remote()
        started = client.request("POST", f"/api/v1/projects/{project}/downloads", json=body)
        _wait(client, started["task"])
        target = output or Path(f"{project}-{started['task_id']}.zip")
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
            console=console,
        ) as bar:
            job = bar.add_task("downloading", total=None)
            client.download(
                started["download"],
                target,
                lambda n, total: bar.update(job, advance=n, total=total),
            )
    console.print(f"wrote {target}", highlight=False)


def _wait(client: Remote, task: str) -> None:
    """Follow the zip task: files done of the total, until it is built (or failed)."""
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=console) as bar:
        job = bar.add_task("building the zip", total=None)
        while True:
            state = client.request("GET", task)
            bar.update(job, completed=state["progress_done"], total=state["progress_total"])
            if state["status"] == TaskStatus.SUCCEEDED:
                return
            if state["status"] in (TaskStatus.FAILED, TaskStatus.CANCELLED):
                raise BiovistaError(f"the zip was not built: {state['error'] or state['status']}")
            time.sleep(0.5)


def register(app: typer.Typer) -> None:
    app.command("download")(download)
