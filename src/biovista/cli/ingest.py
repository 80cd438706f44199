"""``biovista ingest``: bring a project's tables up to date with its run folders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from biovista.cli.common import EXIT_FAILED, console, err_console, print_json, user_errors
from biovista.config import Settings, get_settings
from biovista.models.loader import LoadedProject, load_project
from biovista.models.statuses import IngestionStatus
from biovista.services.ingest.report import CollectionReport, FileFailure, IngestReport


class _RichProgress:
    """One bar per collection, drawn on stderr so ``--json`` output stays clean."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def start(self, collection: str, total_files: int) -> None:
        self._tasks[collection] = self._progress.add_task(collection, total=total_files)

    def advance(self, collection: str, path: str) -> None:
        self._progress.advance(self._tasks[collection])

    def finish(self, collection: str, report: CollectionReport) -> None:
        task = self._tasks.get(collection)
        if task is not None:
            self._progress.update(task, completed=self._progress.tasks[task].total)


def ingest(
    project_file: Path = typer.Argument(..., help="The project YAML file."),
    full: bool = typer.Option(False, "--full", help="Re-read every file and rebuild the tables."),
    as_json: bool = typer.Option(False, "--json", help="Print a machine-readable summary."),
    remote: bool = typer.Option(
        False, "--remote", help="Ingest on the server you logged in to ('biovista login')."
    ),
) -> None:
    """Read every new or changed file into its collection's table; skip unchanged files."""
    with user_errors():
        if remote:
            summary = _ingest_remotely(project_file, full, quiet=as_json)
        else:
            report = run_ingest(load_project(project_file), get_settings(), full, quiet=as_json)
            summary = report.as_dict()
    if as_json:
        print_json(summary)
    if summary["status"] != IngestionStatus.SUCCEEDED:
        raise typer.Exit(EXIT_FAILED)


def _ingest_remotely(project: Path, full: bool, quiet: bool) -> dict[str, Any]:
    """The server ingests its own copy of the data; only the name is taken from here."""
    from biovista.cli.remote import remote_ingest
    from biovista.services.projects.catalog import resolve_project_name

    job = remote_ingest(resolve_project_name(str(project)), full, quiet)
    summary: dict[str, Any] = {**job["report"], "status": job["status"], "ingestion_id": job["id"]}
    if not quiet and "collections" in summary:
        _print_report(summary)
    elif not quiet:
        err_console.print(f"[red]ingest {job['status']}[/red]: {job['report'].get('error', '')}")
    return summary


def run_ingest(loaded: LoadedProject, settings: Settings, full: bool, quiet: bool) -> IngestReport:
    """Ingest with progress bars and a summary table, unless ``quiet``."""
    from biovista.services.ingest.run import ingest_project

    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files"),
        TimeElapsedColumn(),
        console=err_console,
        disable=quiet,
    )
    with progress:
        report = ingest_project(loaded, settings, full=full, progress=_RichProgress(progress))
    if not quiet:
        _print_report(report.as_dict())
    return report


def _print_report(report: dict[str, Any]) -> None:
    """The summary table and every failure; the same for local and remote ingests."""
    table = Table(
        title=f"{report['project']}: ingest {report['status']} in {report['seconds']:.1f} s"
    )
    headers = ("collection", "read", "skipped", "failed", "removed", "rows written", "total rows")
    for header in headers:
        table.add_column(header, justify="left" if header == "collection" else "right")
    for name, item in report["collections"].items():
        table.add_row(
            name,
            str(item["files_read"]),
            str(item["files_skipped"]),
            str(item["files_failed"]),
            str(item["files_removed"]),
            f"{item['rows_written']:,}",
            f"{item['total_rows']:,}",
        )
    console.print(table)
    for name, item in report["collections"].items():
        if item["error"]:
            err_console.print(f"[red]error[/red] {name}: {item['error']}", highlight=False)
        for failure in item["failures"]:
            err_console.print(f"[red]failed[/red] {name}: {_failure(failure)}", highlight=False)


def _failure(failure: dict[str, Any]) -> str:
    return str(FileFailure(**failure))


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
