"""``biovista run``, ``biovista workflow ...`` and ``biovista execution ...``: pipelines on
the server you logged in to, followed live from the terminal."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from biovista.cli.common import EXIT_FAILED, console, err_console, user_errors
from biovista.cli.remote import remote
from biovista.client.http import Remote
from biovista.errors import InvalidInputError
from biovista.models.statuses import EXECUTION_ACTIVE, ExecutionStatus, JobStatus

workflow_app = typer.Typer(help="Register and list workflows.", no_args_is_help=True)
execution_app = typer.Typer(help="Follow, cancel and re-run executions.", no_args_is_help=True)


def parse_params(pairs: list[str]) -> dict[str, str]:
    params = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise InvalidInputError(f"--param {pair!r}: expected NAME=VALUE")
        params[name.strip()] = value
    return params


def run(
    workflow: str = typer.Argument(..., help="The workflow's name."),
    param: list[str] = typer.Option([], "--param", "-p", help="NAME=VALUE (repeat it)."),
    samples: Path | None = typer.Option(
        None, help="A CSV with a 'sample' column naming the project's samples to run on."
    ),
    sample: list[str] = typer.Option([], "--sample", "-s", help="A sample name (repeat it)."),
    detach: bool = typer.Option(False, help="Print the execution's id and return at once."),
) -> None:
    """Launch a workflow on the server and follow it: progress, jobs, log. Exits 0 when it
    succeeded (and its outputs are ingested), 1 when it failed or was cancelled."""
    from biovista.services.workflows.executions import samples_from_sheet

    with user_errors():
        names = list(sample)
        if samples is not None:
            if not samples.is_file():
                raise InvalidInputError(f"{samples}: no such file")
            names += samples_from_sheet(samples.read_text(encoding="utf-8"), str(samples))
        client = remote()
        body = {"params": parse_params(param), "samples": names}
        started = client.request("POST", f"/api/v1/workflows/{workflow}/executions", json=body)
    console.print(f"execution {started['id']} of {workflow} queued", highlight=False)
    if detach:
        return
    follow(client, started["id"])


def follow(client: Remote, execution_id: str, poll: float = 1.0) -> None:
    """Show progress and the log until the execution ends; Ctrl-C stops following only."""
    offset = 0
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    try:
        with user_errors(), Progress(*columns, console=console) as progress:
            bar = progress.add_task("queued", total=None)
            while True:
                state = client.request("GET", f"/api/v1/executions/{execution_id}")
                log = client.request(
                    "GET", f"/api/v1/executions/{execution_id}/log", params={"offset": offset}
                )
                if log["text"]:
                    progress.console.print(log["text"], end="", style="dim", highlight=False)
                offset = log["next_offset"]
                progress.update(
                    bar,
                    description=state["status"],
                    completed=state["jobs_done"],
                    total=state["jobs_total"],
                )
                if state["status"] not in EXECUTION_ACTIVE and log["complete"]:
                    break
                time.sleep(poll)
    except KeyboardInterrupt:
        err_console.print(
            f"stopped following; the execution goes on. "
            f"Cancel it with: biovista execution cancel {execution_id}"
        )
        raise typer.Exit(EXIT_FAILED) from None
    _report(state)


def _report(state: dict[str, Any]) -> None:
    console.print(_jobs_table(state["jobs"]))
    if state["status"] == ExecutionStatus.SUCCEEDED:
        console.print(
            f"[green]succeeded[/green]; outputs ingested (ingestion {state['ingestion_id']})"
        )
        return
    err_console.print(f"[red]{state['status']}[/red]: {state['error'] or ''}", highlight=False)
    for job in state["jobs"]:
        if job["status"] == JobStatus.FAILED and job["stderr"]:
            err_console.print(f"--- stderr of {job['name']} ---", highlight=False)
            err_console.print(job["stderr"].rstrip()[-4000:], highlight=False, markup=False)
    raise typer.Exit(EXIT_FAILED)


def _jobs_table(jobs: list[dict[str, Any]]) -> Table:
    table = Table("job", "status", "samples", "exit", box=None)
    for job in jobs:
        code = "" if job["exit_code"] is None else str(job["exit_code"])
        table.add_row(job["name"], job["status"], ", ".join(job["samples"]), code)
    return table


@workflow_app.command("register")
def register_workflow(
    source: str = typer.Argument(..., help="A folder on the server, or a git URL."),
    revision: str | None = typer.Option(None, help="A git branch, tag or commit."),
) -> None:
    """Register a workflow on the server (admins)."""
    with user_errors():
        body = {"source": source, "revision": revision}
        done = remote().request("POST", "/api/v1/workflows", json=body)
    console.print(
        f"workflow {done['name']} ({done['engine']}) registered for project {done['project']}",
        highlight=False,
    )


@workflow_app.command("list")
def list_workflows() -> None:
    """The workflows you can see, with their parameters."""
    with user_errors():
        found = remote().request("GET", "/api/v1/workflows")
    table = Table("workflow", "engine", "project", "parameters", box=None)
    for workflow in found:
        names = ", ".join(p["name"] for p in workflow["parameters"])
        table.add_row(workflow["name"], workflow["engine"], workflow["project"] or "", names)
    console.print(table)


@execution_app.command("show")
def show(execution_id: str = typer.Argument(..., help="The execution's id.")) -> None:
    """Status and jobs of an execution (follows it while it runs)."""
    with user_errors():
        client = remote()
    follow(client, execution_id)


@execution_app.command("cancel")
def cancel(execution_id: str = typer.Argument(..., help="The execution's id.")) -> None:
    with user_errors():
        remote().request("POST", f"/api/v1/executions/{execution_id}/cancel")
    console.print(f"execution {execution_id}: cancel requested", highlight=False)


@execution_app.command("rerun")
def rerun(
    execution_id: str = typer.Argument(..., help="The execution's id."),
    resume: bool = typer.Option(False, help="Keep the jobs a failed run finished."),
    param: list[str] = typer.Option([], "--param", "-p", help="NAME=VALUE to change."),
    detach: bool = typer.Option(False, help="Return at once."),
) -> None:
    """Run an execution again (as a new one), or resume a failed or cancelled one."""
    with user_errors():
        client = remote()
        body = {"resume": resume, "params": parse_params(param)}
        again = client.request("POST", f"/api/v1/executions/{execution_id}/rerun", json=body)
    console.print(f"execution {again['id']} queued", highlight=False)
    if not detach:
        follow(client, again["id"])


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.add_typer(workflow_app, name="workflow")
    app.add_typer(execution_app, name="execution")
